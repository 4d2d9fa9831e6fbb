#include "tls13sealer.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstring>

namespace sse {

namespace {

constexpr int TagLength = 16;
constexpr quint8 ApplicationData = 23;
constexpr quint8 Alert = 21;
constexpr quint8 Handshake = 22;

// HKDF-Expand-Label (RFC 8446 7.1) for outputs no longer than the hash: one HMAC block.
QByteArray expandLabel(const EVP_MD *hash, const QByteArray &secret, const char *label, int length)
{
    QByteArray info;
    info.append(char(length >> 8)).append(char(length & 0xff));
    QByteArray fullLabel("tls13 ");
    fullLabel.append(label);
    info.append(char(fullLabel.size())).append(fullLabel);
    info.append(char(0)); // empty context
    info.append(char(1)); // the block counter
    unsigned char block[EVP_MAX_MD_SIZE];
    unsigned int blockLength = 0;
    if (!HMAC(hash, secret.constData(), int(secret.size()),
              reinterpret_cast<const unsigned char *>(info.constData()), size_t(info.size()), block,
              &blockLength) ||
        int(blockLength) < length) {
        return {};
    }
    return QByteArray(reinterpret_cast<const char *>(block), length);
}

} // namespace

std::unique_ptr<Tls13Sealer> Tls13Sealer::create(const char *cipherName, const QByteArray &secret,
                                                 quint64 recordsSent, quint64 recordsPerKey)
{
    std::unique_ptr<Tls13Sealer> sealer(new Tls13Sealer);
    const EVP_CIPHER *cipher = nullptr;
    if (std::strcmp(cipherName, "TLS_AES_128_GCM_SHA256") == 0) {
        cipher = EVP_aes_128_gcm();
        sealer->m_hash = EVP_sha256();
    } else if (std::strcmp(cipherName, "TLS_AES_256_GCM_SHA384") == 0) {
        cipher = EVP_aes_256_gcm();
        sealer->m_hash = EVP_sha384();
    } else if (std::strcmp(cipherName, "TLS_CHACHA20_POLY1305_SHA256") == 0) {
        cipher = EVP_chacha20_poly1305();
        sealer->m_hash = EVP_sha256();
    } else {
        return nullptr;
    }
    if (secret.size() != EVP_MD_get_size(sealer->m_hash))
        return nullptr;
    sealer->m_keyLength = EVP_CIPHER_get_key_length(cipher);
    sealer->m_secret = secret;
    sealer->m_sequence = recordsSent;
    sealer->m_recordsPerKey = std::max<quint64>(recordsPerKey, 2);
    sealer->m_context = EVP_CIPHER_CTX_new();
    if (!sealer->m_context ||
        EVP_EncryptInit_ex(sealer->m_context, cipher, nullptr, nullptr, nullptr) != 1 ||
        !sealer->deriveKeys()) {
        return nullptr;
    }
    return sealer;
}

Tls13Sealer::~Tls13Sealer()
{
    EVP_CIPHER_CTX_free(m_context);
    m_secret.fill('\0');
}

bool Tls13Sealer::deriveKeys()
{
    QByteArray key = expandLabel(m_hash, m_secret, "key", m_keyLength);
    const QByteArray iv = expandLabel(m_hash, m_secret, "iv", int(sizeof m_iv));
    if (key.size() != m_keyLength || iv.size() != int(sizeof m_iv))
        return false;
    std::memcpy(m_iv, iv.constData(), sizeof m_iv);
    const bool keyed =
        EVP_EncryptInit_ex(m_context, nullptr, nullptr,
                           reinterpret_cast<const unsigned char *>(key.constData()), nullptr) == 1;
    key.fill('\0');
    return keyed;
}

bool Tls13Sealer::seal(const char *data, qsizetype size, quint8 contentType, QByteArray &out)
{
    // The nonce is the IV with the sequence number XORed into its last 8 bytes.
    unsigned char nonce[sizeof m_iv];
    std::memcpy(nonce, m_iv, sizeof nonce);
    for (int i = 0; i < 8; ++i)
        nonce[sizeof nonce - 1 - i] ^= quint8(m_sequence >> (8 * i));
    const qsizetype innerLength = size + 1 + TagLength; // data, content type, tag
    const unsigned char header[5] = {ApplicationData, 3, 3, quint8(innerLength >> 8),
                                     quint8(innerLength & 0xff)};
    const qsizetype start = out.size();
    out.resize(start + 5 + innerLength);
    auto *record = reinterpret_cast<unsigned char *>(out.data()) + start;
    std::memcpy(record, header, sizeof header);
    unsigned char *body = record + sizeof header;
    int written = 0;
    int last = 0;
    int tail = 0;
    const bool sealed =
        EVP_EncryptInit_ex(m_context, nullptr, nullptr, nullptr, nonce) == 1 &&
        EVP_EncryptUpdate(m_context, nullptr, &written, header, sizeof header) == 1 &&
        EVP_EncryptUpdate(m_context, body, &written, reinterpret_cast<const unsigned char *>(data),
                          int(size)) == 1 &&
        EVP_EncryptUpdate(m_context, body + written, &last, &contentType, 1) == 1 &&
        EVP_EncryptFinal_ex(m_context, body + written + last, &tail) == 1 &&
        EVP_CIPHER_CTX_ctrl(m_context, EVP_CTRL_AEAD_GET_TAG, TagLength,
                            body + written + last + tail) == 1;
    if (!sealed) {
        out.resize(start);
        return false;
    }
    ++m_sequence;
    return true;
}

bool Tls13Sealer::updateKey(QByteArray &out)
{
    // KeyUpdate(update_not_requested), under the old key; the peer's key stays as it is.
    const char keyUpdate[] = {24, 0, 0, 1, 0};
    if (!seal(keyUpdate, sizeof keyUpdate, Handshake, out))
        return false;
    QByteArray next = expandLabel(m_hash, m_secret, "traffic upd", EVP_MD_get_size(m_hash));
    m_secret.fill('\0');
    m_secret = std::move(next);
    m_sequence = 0;
    return m_secret.size() == EVP_MD_get_size(m_hash) && deriveKeys();
}

bool Tls13Sealer::sealApplicationData(const char *data, qsizetype size, QByteArray &out)
{
    out.reserve(out.size() + size + (size / MaxRecordPlaintext + 1) * (5 + 1 + TagLength));
    while (size > 0) {
        if (m_sequence + 1 >= m_recordsPerKey && !updateKey(out))
            return false;
        const qsizetype chunk = std::min(size, MaxRecordPlaintext);
        if (!seal(data, chunk, ApplicationData, out))
            return false;
        data += chunk;
        size -= chunk;
    }
    return true;
}

bool Tls13Sealer::sealCloseNotify(QByteArray &out)
{
    const char closeNotify[] = {1, 0}; // warning, close_notify
    return seal(closeNotify, sizeof closeNotify, Alert, out);
}

} // namespace sse
