-- An API key may expire: from then on it is refused like a revoked one (NULL: it never expires).
ALTER TABLE api_key ADD COLUMN expires_at INTEGER;
