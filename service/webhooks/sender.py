"""One delivery attempt: sign the message and POST it to a checked address.

Signed as the Standard Webhooks specification says, by its own library: `webhook-id` (the
message), `webhook-timestamp` (this attempt, in Unix seconds) and `webhook-signature`
(`v1,` + base64 HMAC-SHA256 of "id.timestamp.body" with the endpoint's secret).

The request goes through urllib3 to the address addresses.py checked, with the URL's host
name as `Host` and for TLS (SNI and certificate checks), so what was checked is what is
connected to. Redirects are not followed (a 3xx is a failed attempt: a redirect could lead to
an address that was never checked), and the answer's body is not read beyond a little.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import urllib3
from standardwebhooks import Webhook
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    LocationParseError,
    NewConnectionError,
    ReadTimeoutError,
    SSLError,
)

from service.webhooks.addresses import RefusedAddress, UnresolvableHost, destination

logger = logging.getLogger(__name__)

USER_AGENT = "Moderato-Webhooks/1"
MAX_ANSWER_BYTES = 1024  # read (and drop) at most this much of a receiver's answer
DEFAULT_PORTS = {"http": 80, "https": 443}
REFUSED_ADDRESS = "refused_address"  # the error of an attempt the SSRF rule stopped
MAX_ADDRESSES = 3  # a host's checked addresses tried in turn while connecting fails


@dataclass(frozen=True)
class Message:
    """What one attempt sends."""

    url: str
    secret: str
    message_id: str
    body: str


@dataclass(frozen=True)
class Limits:
    """How an attempt may connect, and for how long."""

    allow_private: bool
    connect_timeout: float
    timeout: float
    ca_certs: str | None = None  # a PEM bundle instead of the system's trusted CAs


@dataclass(frozen=True)
class Outcome:
    """How an attempt went: the receiver's status, or why there was none (a stable code)."""

    status_code: int | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """A 2xx answer: delivered."""
        return self.status_code is not None and 200 <= self.status_code < 300


def longest_attempt(limits: Limits) -> float:
    """The longest an attempt can take: every address failing to connect, then the answer."""
    return MAX_ADDRESSES * limits.connect_timeout + limits.timeout


def signed_headers(message: Message, now: datetime | None = None) -> dict[str, str]:
    """The Standard Webhooks headers (and content type) of one attempt."""
    timestamp = (now or datetime.now(UTC)).replace(microsecond=0)
    signature = Webhook(message.secret).sign(message.message_id, timestamp, message.body)
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": message.message_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": signature,
    }


def send(message: Message, limits: Limits) -> Outcome:
    """Make one attempt; never raises for anything the network or the receiver does."""
    try:
        return post(message, limits)
    except RefusedAddress as error:
        logger.warning("Webhook refused: %s resolves to %s", message.url, error.address)
        return Outcome(error=REFUSED_ADDRESS)
    except UnresolvableHost:
        return Outcome(error="unresolvable_host")
    except (ConnectTimeoutError, NewConnectionError) as error:
        return failed("connect_failed", message, error)
    except ReadTimeoutError as error:
        return failed("timeout", message, error)
    except SSLError as error:
        return failed("tls_failed", message, error)
    except (HTTPError, LocationParseError, OSError) as error:
        return failed("connection_failed", message, error)
    except Exception:  # deliberately broad: the attempt must end in a recorded outcome
        logger.exception("Webhook attempt to %s failed unexpectedly", message.url)
        return Outcome(error="internal_error")


def failed(code: str, message: Message, error: Exception) -> Outcome:
    """Log the details for the operator; the delivery records only the stable code."""
    logger.info("Webhook attempt to %s failed: %s (%s)", message.url, code, type(error).__name__)
    return Outcome(error=code)


def post(message: Message, limits: Limits) -> Outcome:
    """POST the signed body to the checked addresses of the URL's host, the next one only if
    connecting to the previous one failed (an IPv6 address on a host without IPv6)."""
    url = urllib3.util.parse_url(message.url)
    scheme, host = url.scheme or "", url.host or ""
    if scheme not in DEFAULT_PORTS or not host:
        raise LocationParseError(message.url)
    port = url.port or DEFAULT_PORTS[scheme]
    *others, last = destination(host, port, allow_private=limits.allow_private)[:MAX_ADDRESSES]
    for address in others:
        try:
            return post_to(str(address), port, url, message, limits)
        except (ConnectTimeoutError, NewConnectionError):
            continue
    return post_to(str(last), port, url, message, limits)


def post_to(
    address: str, port: int, url: urllib3.util.Url, message: Message, limits: Limits
) -> Outcome:
    """POST the signed body to one address, naming the URL's host."""
    scheme, host = url.scheme or "", url.host or ""
    headers = {**signed_headers(message), "Host": host_header(url)}
    with connection_pool(scheme, address, port, host, limits) as pool:
        response = pool.urlopen(
            "POST", url.request_uri, body=message.body.encode(), headers=headers,
            redirect=False, retries=False, preload_content=False, assert_same_host=False,
        )  # fmt: skip
        try:
            response.read(MAX_ANSWER_BYTES)
        finally:
            response.release_conn()
        return Outcome(status_code=response.status)


def host_header(url: urllib3.util.Url) -> str:
    """The Host header the URL implies: the host, with the port if it is not the default."""
    host = url.host or ""
    if url.port is None or url.port == DEFAULT_PORTS.get(url.scheme or ""):
        return host
    return f"{host}:{url.port}"


def connection_pool(
    scheme: str, address: str, port: int, host: str, limits: Limits
) -> urllib3.HTTPConnectionPool:
    """A one-connection pool to `address`; for https, TLS is checked against `host`."""
    timeout = urllib3.Timeout(total=limits.timeout, connect=limits.connect_timeout)
    if scheme == "https":
        name = host.strip("[]")
        return urllib3.HTTPSConnectionPool(
            address, port, timeout=timeout, retries=False, maxsize=1,
            server_hostname=name, assert_hostname=name, cert_reqs="CERT_REQUIRED",
            ca_certs=limits.ca_certs,
        )  # fmt: skip
    return urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False, maxsize=1)
