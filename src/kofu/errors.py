"""The error tree and stable wire codes (defined in `kofu.protocol`, where actors meet)."""

from kofu.protocol.codes import MESSAGES, Message, message_for
from kofu.protocol.errors import AuthFailed, KofuError, LinkFailed, Problem, ProtocolViolation, Refused

__all__ = [
    "MESSAGES",
    "AuthFailed",
    "KofuError",
    "LinkFailed",
    "Message",
    "Problem",
    "ProtocolViolation",
    "Refused",
    "message_for",
]
