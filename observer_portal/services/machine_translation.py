"""Machine translation behind one small interface: `translate(text, source, target) -> str`.

The provider is chosen by configuration (`TRANSLATOR` = none | libre | mymemory | deepl),
and the client for each was chosen on its merits (README, "Machine drafts"):

* **LibreTranslate** (self-hosted; the text stays in the centre) and **MyMemory** go through
  deep-translator: both are documented JSON APIs that its code calls plainly.
* **DeepL** goes through DeepL's own package, `deepl`: it sends the key the way DeepL's API
  now requires (an `Authorization` header, where deep-translator 1.11.4 still sends an
  `auth_key` parameter), names errors precisely, and has a connection timeout of its own.
  Its automatic retries are switched off: a failed draft is reported, and asked for again.
* Google is not offered: deep-translator's Google provider reads translate.google.com's web
  page, not an API, so it breaks without notice and is outside Google's terms.

For the deep-translator providers three things it does not do are done here:

* **Deadlines.** No provider passes `timeout=` to `requests`, so a backend that accepts
  the connection and never answers would block a worker forever. Each provider module's
  `requests` is replaced by a thin proxy that adds socket timeouts, and every call also
  runs in a small thread pool with an overall deadline.
* **Size.** An answer is outside data: at most MAX_RESPONSE_BYTES of it is read (after
  decompression) before it is parsed; a larger one is refused as a failure.
* **Errors.** Connection failures surface as `requests.exceptions.ConnectionError`
  (not the built-in one its own `except` expects). Every failure becomes a
  `MachineTranslationError` with a translatable message; nothing is written.
"""

from __future__ import annotations

import concurrent.futures
import contextvars
import logging
import time
from dataclasses import dataclass
from types import ModuleType

import deepl as deepl_api
import requests
from deep_translator import libre, mymemory
from deep_translator.exceptions import (
    AuthorizationException,
    LanguageNotSupportedException,
    ServerException,
    TooManyRequests,
    TranslationNotFound,
)

from observer_portal.lazy_text import _l

log = logging.getLogger("observer_portal.machine_translation")

PROVIDERS = ("none", "libre", "mymemory", "deepl")
#: The providers' own names, as shown to people
PROVIDER_NAMES = {"libre": "LibreTranslate", "mymemory": "MyMemory", "deepl": "DeepL"}
#: Providers that send the text to a third party (the UI says so before sending).
THIRD_PARTY = frozenset({"mymemory", "deepl"})
#: Languages each provider handles among those the portal uses (LibreTranslate has no Kazakh).
SUPPORTED = {
    "libre": frozenset({"en", "de", "fr", "ru", "es", "it", "pl", "tr", "uk", "zh", "ar"}),
    "mymemory": frozenset({"en", "de", "fr", "ru", "kk", "es", "it", "pl", "tr", "uk", "zh", "ar"}),
    "deepl": frozenset({"en", "de", "fr", "ru", "es", "it", "pl", "tr", "uk", "zh"}),
}
# deep-translator's own language codes where they differ from ours
_PROVIDER_CODES = {"mymemory": {"en": "en-GB", "de": "de-DE", "fr": "fr-FR", "ru": "ru-RU", "kk": "kk-KZ"}}
#: DeepL: source languages in capitals; English as a target must say which English
_DEEPL_TARGETS = {"en": "EN-GB", "zh": "ZH-HANS"}

#: Outside data: the most read from a provider's answer; 20,000 characters
#: of translation, even escaped as JSON, are far below it.
MAX_RESPONSE_BYTES = 2 * 1024 * 1024
_socket_timeout: contextvars.ContextVar[float] = contextvars.ContextVar("mt_socket_timeout", default=10.0)
#: when the whole call must be over (time.monotonic()): an answer that trickles in a byte at a
#: time never trips a socket timeout, so the reading itself watches the clock
_deadline: contextvars.ContextVar[float] = contextvars.ContextVar("mt_deadline", default=float("inf"))
_pool = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="machine-translation")


class MachineTranslationError(Exception):
    """A draft could not be made; `message` is shown to the person who asked."""

    def __init__(self, message, reason: str):
        super().__init__(f"{reason}: {message}")
        self.message = message
        self.reason = reason


class _RequestsWithTimeout:
    """Stands in for the `requests` module inside deep-translator's provider modules."""

    def __getattr__(self, name: str):
        return getattr(requests, name)

    def get(self, url, **kwargs):
        kwargs.setdefault("timeout", _socket_timeout.get())
        return _bounded(requests.get(url, stream=True, **kwargs))  # noqa: S113 - timeout set just above

    def post(self, url, **kwargs):
        kwargs.setdefault("timeout", _socket_timeout.get())
        return _bounded(requests.post(url, stream=True, **kwargs))  # noqa: S113 - timeout set just above


class ResponseTooLarge(requests.exceptions.RequestException):
    """A provider answered with more than MAX_RESPONSE_BYTES; none of it was parsed."""


def _bounded(response: requests.Response) -> requests.Response:
    """Read at most MAX_RESPONSE_BYTES (inflated), and no later than the call's deadline,
    before deep-translator parses the answer; a thread is never held by a slow trickle."""
    deadline, chunks, size = _deadline.get(), [], 0
    with response:
        while chunk := response.raw.read1(64 * 1024, decode_content=True):  # what has arrived, b"" at the end
            size += len(chunk)
            if size > MAX_RESPONSE_BYTES:
                raise ResponseTooLarge(f"answer larger than {MAX_RESPONSE_BYTES} bytes")
            if time.monotonic() > deadline:
                raise requests.exceptions.ReadTimeout("the answer did not arrive within the deadline")
            chunks.append(chunk)
    response._content = b"".join(chunks)  # where requests keeps a body it has read
    return response


def _install_timeouts(*modules: ModuleType) -> None:
    for module in modules:
        if not isinstance(module.requests, _RequestsWithTimeout):
            module.requests = _RequestsWithTimeout()


_install_timeouts(libre, mymemory)


@dataclass(frozen=True)
class MachineTranslator:
    provider: str
    timeout: float = 10.0
    url: str = ""
    api_key: str = ""

    @property
    def enabled(self) -> bool:
        return self.provider != "none"

    @property
    def provider_name(self) -> str:
        return PROVIDER_NAMES.get(self.provider, "")

    @property
    def third_party(self) -> bool:
        return self.provider in THIRD_PARTY

    def supports(self, source: str, target: str) -> bool:
        languages = SUPPORTED.get(self.provider, frozenset())
        return source in languages and target in languages and source != target

    def translate(self, text: str, source: str, target: str) -> str:
        """Translate plain text within `timeout` seconds, or raise MachineTranslationError."""
        if not self.enabled:
            raise MachineTranslationError(_l("Machine translation is not configured."), "not_configured")
        if not self.supports(source, target):
            raise MachineTranslationError(
                _l("The machine translation service cannot translate this language pair. Please ask a volunteer."),
                "unsupported",
            )
        if not text.strip():
            return text
        context = contextvars.copy_context()
        context.run(_socket_timeout.set, self.timeout)
        context.run(_deadline.set, time.monotonic() + self.timeout)
        future = _pool.submit(context.run, self._call, text, source, target)
        try:
            result = future.result(timeout=self.timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            log.warning("machine translation timed out after %ss (%s)", self.timeout, self.provider)
            raise MachineTranslationError(
                _l("The machine translation service did not answer in time. Nothing was changed; try again later."),
                "timeout",
            ) from None
        except (requests.exceptions.Timeout, _DeepLTimeout):
            raise MachineTranslationError(
                _l("The machine translation service did not answer in time. Nothing was changed; try again later."),
                "timeout",
            ) from None
        except (
            requests.exceptions.RequestException,
            ServerException,
            TooManyRequests,
            ConnectionError,
            RecursionError,  # JSON nested too deep for the parser
            deepl_api.QuotaExceededException,
            deepl_api.TooManyRequestsException,
            deepl_api.ConnectionException,
        ) as error:
            log.warning("machine translation failed (%s): %s", self.provider, type(error).__name__)
            raise MachineTranslationError(
                _l("The machine translation service is unavailable. Nothing was changed; try again later."),
                "unavailable",
            ) from None
        except (AuthorizationException, deepl_api.AuthorizationException):
            raise MachineTranslationError(
                _l("The machine translation service refused our key. Ask an administrator to check it."),
                "unauthorised",
            ) from None
        except deepl_api.DeepLException as error:  # any other refusal of DeepL's (a 5xx, a 400)
            log.warning("machine translation failed (deepl): %s", type(error).__name__)
            raise MachineTranslationError(
                _l("The machine translation service is unavailable. Nothing was changed; try again later."),
                "unavailable",
            ) from None
        except (TranslationNotFound, LanguageNotSupportedException):
            raise MachineTranslationError(
                _l("The machine translation service returned no translation for this text."), "no_result"
            ) from None
        except Exception:  # an answer of a shape the client did not expect: outside data, never a crash
            log.exception("machine translation answer not understood (%s)", self.provider)
            raise MachineTranslationError(
                _l("The machine translation service returned no translation for this text."), "no_result"
            ) from None
        if not isinstance(result, str) or not result.strip():
            raise MachineTranslationError(
                _l("The machine translation service returned no translation for this text."), "no_result"
            )
        return result

    def _call(self, text: str, source: str, target: str) -> str:
        if self.provider == "deepl":
            return self._deepl(text, source, target)
        codes = _PROVIDER_CODES.get(self.provider, {})
        src, tgt = codes.get(source, source), codes.get(target, target)
        if self.provider == "libre":
            url = self.url if self.url.endswith("/") else self.url + "/"
            engine = libre.LibreTranslator(source=src, target=tgt, api_key=self.api_key or "none", custom_url=url)
        elif self.provider == "mymemory":
            engine = mymemory.MyMemoryTranslator(source=src, target=tgt)
        else:  # pragma: no cover - guarded by `enabled`
            raise ValueError(self.provider)
        return engine.translate(text)

    def _deepl(self, text: str, source: str, target: str) -> str:
        # The package's documented knobs are module settings: one timeout, no hidden retries.
        deepl_api.http_client.min_connection_timeout = self.timeout
        deepl_api.http_client.max_network_retries = 0
        client = deepl_api.Translator(self.api_key, server_url=self.url or None, send_platform_info=False)
        try:
            result = client.translate_text(
                text, source_lang=source.upper(), target_lang=_DEEPL_TARGETS.get(target, target.upper())
            )
        except deepl_api.ConnectionException as error:
            if isinstance(error.__cause__, requests.exceptions.Timeout):
                raise _DeepLTimeout from None
            raise
        finally:
            client.close()
        return result.text


class _DeepLTimeout(Exception):
    """DeepL's connection error, when it was a timeout."""


def translator_from_config(config) -> MachineTranslator:
    provider = (config.get("TRANSLATOR") or "none").lower()
    if provider not in PROVIDERS:
        provider = "none"
    return MachineTranslator(
        provider=provider,
        timeout=float(config.get("TRANSLATOR_TIMEOUT", 10)),
        url=config.get("TRANSLATOR_URL", ""),
        api_key=config.get("TRANSLATOR_API_KEY", ""),
    )
