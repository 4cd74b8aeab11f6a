// libcrypto's SHA-256 (EVP interface): as fast as swift-crypto here, without building BoringSSL.
#include <openssl/evp.h>
