// Package idemkey makes POST endpoints safe to retry: a kratos HTTP filter
// that remembers, in Redis, the response to each "Idempotency-Key" and
// replays it for a retry carrying the same key and body.
//
// Redis value of "<prefix>:<key>" (JSON):
//
//	{"state":"pending","body_sha256":"<hex>","path":"/v1/orders"}                 while the handler runs (PendingTTL)
//	{"state":"done","body_sha256":"<hex>","path":"/v1/orders","status":200,
//	 "content_type":"application/json","body":"<base64>"}                        afterwards (TTL)
//
// Responses with status >= 500 are not remembered: the key is deleted so the
// client may retry. A process that dies while a request is pending leaves the
// key pending until PendingTTL expires; retries get 409 until then.
package idemkey
