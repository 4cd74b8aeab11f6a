// Streaming multipart/related parsing and writing (PS3.18 §8.6, RFC 2387).
