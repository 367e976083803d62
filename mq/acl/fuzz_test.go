package acl

import (
	"errors"
	"testing"
)

// FuzzSign checks that Sign never panics, is deterministic and ignores the
// fields it must leave out.
func FuzzSign(f *testing.F) {
	f.Add("12345678", "topic", "nsx%TopicTest", "RocketMQ", []byte(nil))
	f.Add("", "", "", "", []byte{0, 0xff})
	f.Add("k", "Signature", "x", "\xff\xfe", []byte("body"))
	f.Fuzz(func(t *testing.T, sk, key, value, ak string, body []byte) {
		ext := map[string]string{AccessKeyField: ak, key: value}
		s := Sign(sk, ext, body)
		if s != Sign(sk, ext, body) {
			t.Fatal("Sign is not deterministic")
		}
		ext[SignatureField], ext[SecurityTokenField] = "sig", "tok"
		if key != SignatureField && key != SecurityTokenField && Sign(sk, ext, body) != s {
			t.Fatal("Signature or SecurityToken changed the signature")
		}
		_ = signJava(sk, ext, body)
	})
}

// FuzzCheck feeds Check arbitrary requests: it must not panic, must deny
// with a *Denial, and must let nothing through that is neither from a
// whitelisted address nor correctly signed.
func FuzzCheck(f *testing.F) {
	v := newTestValidator(f)
	f.Add("172.16.0.9:1", int16(10), "producer1", "", "orders", []byte("x"), false)
	f.Add("10.10.103.7:5", int16(17), "", "", "", []byte(nil), false)
	f.Add("192.168.1.50:9", int16(11), "trusted1", "sig", "t", []byte{}, false)
	f.Add("[::1]:1", int16(-1), "adminUser", "", "%RETRY%g", []byte{1}, true)
	f.Add("garbage", int16(201), "consumer1", "????", "secret", []byte(nil), true)
	secrets := map[string]string{"producer1": "secret-p1", "consumer1": "secret-c1", "adminUser": "secret-a1", "adminLimited": "secret-a2", "trusted1": "secret-t1"}
	f.Fuzz(func(t *testing.T, remote string, code int16, ak, sig, topic string, body []byte, signIt bool) {
		ext := map[string]string{"topic": topic}
		if ak != "" {
			ext[AccessKeyField] = ak
		}
		if sig != "" {
			ext[SignatureField] = sig
		}
		if sk, ok := secrets[ak]; ok && signIt {
			ext[SignatureField] = Sign(sk, ext, body)
		}
		var res Resources
		res.AddTopic(topic, Pub)
		res.AddGroup(topic, Any)
		err := v.Check(remote, code, ext, body, res)
		if err != nil {
			var d *Denial
			if !errors.As(err, &d) || !errors.Is(err, ErrNoPermission) {
				t.Fatalf("Check = %v, not a *Denial", err)
			}
			return
		}
		addr, ok := hostOf(remote)
		if ok && v.global.match(addr) {
			return
		}
		a := v.accounts[ak]
		if a == nil {
			t.Fatalf("allowed an unknown access key %q from %q", ak, remote)
		}
		if ok && a.white != nil && a.white.match(addr) {
			return
		}
		if !verify(a.secretKey, ext, body) {
			t.Fatalf("allowed a bad signature for %q from %q", ak, remote)
		}
	})
}
