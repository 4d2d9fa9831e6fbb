#pragma once

// unique_ptr for OpenSSL's objects, each freed by its own function. Private to this layer.
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>

namespace sse {

template<typename T, void (*Free)(T *)>
struct OpenSslDeleter
{
    void operator()(T *pointer) const { Free(pointer); }
};
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO, BIO_free_all>>;
using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<X509, X509_free>>;
using KeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY, EVP_PKEY_free>>;

} // namespace sse
