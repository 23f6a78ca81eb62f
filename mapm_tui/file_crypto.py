"""Encrypting what leaves the laptop: password-protected Word minutes and passphrase-encrypted bundles.

Word minutes are protected with ECMA-376 agile encryption (AES-256, SHA-512; what Word itself writes for
"Encrypt with password"), which Word, LibreOffice and `msoffcrypto-tool` open. Bundles are encrypted with
age (`pyrage`) to a passphrase (scrypt): a standard format with tools on every system
(`age --decrypt bundle.json.age`). Both deal in bytes only; the callers write the files atomically.

The libraries are imported only when a file is protected or opened. No Textual here.
"""

from __future__ import annotations

import io

#: how every age file begins (binary, and the ASCII-armoured form)
AGE_HEADERS = (b"age-encryption.org/v1\n", b"-----BEGIN AGE ENCRYPTED FILE-----")
#: the shortest password accepted for an exported file
MIN_PASSWORD_LENGTH = 8


class FileCryptoError(ValueError):
    """A file could not be protected or opened; the message is one sentence for the user."""


class WrongPassword(FileCryptoError):
    """The password or passphrase does not open the file (or the file is damaged: age cannot tell)."""


class WeakPassword(FileCryptoError):
    """A password for an exported file is too short."""


def check_password(password: str) -> None:
    if len(password.strip()) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(
            f"Use a password of at least {MIN_PASSWORD_LENGTH} characters for an exported file; "
            "tell it to the people who receive the file by another way than the file itself (a phone call)."
        )


def protect_docx(data: bytes, password: str) -> bytes:
    """A .docx's bytes encrypted with `password` (ECMA-376 agile encryption)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    check_password(password)
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


def open_docx(data: bytes, password: str) -> bytes:
    """The plain .docx inside a password-protected one."""
    import msoffcrypto
    from msoffcrypto.exceptions import DecryptionError, FileFormatError, InvalidKeyError

    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        office.load_key(password=password, verify_password=True)
        out = io.BytesIO()
        office.decrypt(out)
    except (InvalidKeyError, DecryptionError):
        raise WrongPassword("That password does not open the document; check it and try again.") from None
    except FileFormatError:
        raise FileCryptoError("The document is not a password-protected Word file, or it is damaged.") from None
    return out.getvalue()


def is_age(data: bytes) -> bool:
    return data.startswith(AGE_HEADERS)


def seal_bundle(data: bytes, passphrase: str) -> bytes:
    """`data` encrypted to `passphrase` with age (binary format)."""
    import pyrage

    check_password(passphrase)
    try:
        return pyrage.passphrase.encrypt(data, passphrase)
    except pyrage.EncryptError as exc:  # pragma: no cover - nothing in the input makes it fail
        raise FileCryptoError(f"The bundle could not be encrypted ({exc}).") from None


def open_bundle(data: bytes, passphrase: str) -> bytes:
    """The plain bytes of an age file encrypted to `passphrase`. age cannot tell a wrong passphrase from
    a damaged file, so neither does the sentence."""
    import pyrage

    try:
        return pyrage.passphrase.decrypt(data, passphrase)
    except pyrage.DecryptError:
        raise WrongPassword(
            "That passphrase does not open the encrypted bundle, or the file is damaged; "
            "check the passphrase, or ask for the file again."
        ) from None
