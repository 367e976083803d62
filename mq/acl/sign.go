package acl

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"io"
	"slices"
)

// The ext fields that carry the credentials.
const (
	// AccessKeyField names the account.
	AccessKeyField = "AccessKey"
	// SignatureField is the request's signature.
	SignatureField = "Signature"
	// SecurityTokenField is an optional token; the Go client does not
	// sign it, Java does.
	SecurityTokenField = "SecurityToken"
	// uniqueKeyQueryField is added by Java's client outside the signed
	// header, so Java's server leaves it out (MixAll.UNIQUE_MSG_QUERY_FLAG).
	uniqueKeyQueryField = "_UNIQUE_KEY_QUERY"
)

// Sign returns the signature rocketmq-client-go v2.1.2 computes for a
// request (internal/remote/interceptor.go): standard Base64 of HMAC-SHA1
// keyed with secretKey over the values of ext, AccessKey included and
// Signature and SecurityToken excluded, in ascending byte order of their
// keys, followed by body.
func Sign(secretKey string, ext map[string]string, body []byte) string {
	return sign(secretKey, ext, body, func(k string) bool { return k == SignatureField || k == SecurityTokenField })
}

// signJava is the signature Java's server expects (PlainAccessValidator
// .parse): SecurityToken is signed, _UNIQUE_KEY_QUERY is not.
func signJava(secretKey string, ext map[string]string, body []byte) string {
	return sign(secretKey, ext, body, func(k string) bool { return k == SignatureField || k == uniqueKeyQueryField })
}

func sign(secretKey string, ext map[string]string, body []byte, skip func(string) bool) string {
	keys := make([]string, 0, len(ext))
	for k := range ext {
		if !skip(k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	mac := hmac.New(sha1.New, []byte(secretKey))
	for _, k := range keys {
		io.WriteString(mac, ext[k])
	}
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// verify reports whether ext carries a valid signature by secretKey in
// either the Go client's or Java's variant. It compares in constant time.
func verify(secretKey string, ext map[string]string, body []byte) bool {
	got := ext[SignatureField]
	if got == "" {
		return false
	}
	if equal(Sign(secretKey, ext, body), got) {
		return true
	}
	_, token := ext[SecurityTokenField]
	_, uniq := ext[uniqueKeyQueryField]
	return (token || uniq) && equal(signJava(secretKey, ext, body), got)
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
