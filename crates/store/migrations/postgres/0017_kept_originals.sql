-- A redact-and-keep-original tenant's events keep their original beside the redacted body,
-- sealed (AES-256-GCM) with the originals key: `v1.<key id>.<base64>`; NULL for every event
-- redaction left unchanged. Deleted with the row by erasure and retention.
ALTER TABLE events ADD COLUMN original TEXT;
