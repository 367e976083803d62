/*
Package acl is the broker's access control, compatible with Apache RocketMQ
4.x's plain ACL: accounts in a plain_acl.yml file, requests signed by the
client with HMAC-SHA1, per-topic and per-group permissions, and remote
address whitelists. The broker enables it with aclEnable=true; it is off by
default. The NameServer never checks it, as in Java.

# File format (plain_acl.yml)

	globalWhiteRemoteAddresses:     # requests from here pass unchecked
	  - 10.10.103.*
	  - 192.168.0.*
	accounts:
	  - accessKey: RocketMQ         # longer than 6 characters
	    secretKey: 12345678         # longer than 6 characters
	    whiteRemoteAddress:         # requests from here with this accessKey pass unchecked
	    admin: false                # admin request codes need true
	    defaultTopicPerm: DENY      # for topics not in topicPerms; DENY when unset
	    defaultGroupPerm: SUB       # for groups not in groupPerms; DENY when unset
	    topicPerms:
	      - topicA=DENY
	      - topicB=PUB|SUB
	    groupPerms:
	      - groupA=DENY
	      - groupB=SUB

Permissions are DENY, PUB, SUB and PUB|SUB (or SUB|PUB). Address patterns
are "*", an exact IPv4 or IPv6 address, a CIDR prefix ("10.0.0.0/8"), an
IPv4 pattern whose octets are "*", a range "1-100" or a set "{1,5,9}"
("192.168.0.*", "192.168.1.1-100", "192.168.*", "10.0.0.{1,2}"), or a
comma-separated list of any of these.

Loading is stricter than Java, which silently turns what it does not
understand into DENY or an address that never matches: an unknown key, an
unknown permission, a malformed address pattern, a duplicate accessKey or
resource, and a key of 6 characters or fewer are errors. Java's dataVersion
key is accepted and ignored. The file is read once; there is no hot reload.

# Signature

The client adds ext fields AccessKey, Signature and, when it has one,
SecurityToken. Signature is standard Base64 of HMAC-SHA1 keyed with the
secret key over the values of every other ext field (AccessKey included,
Signature excluded) in ascending byte order of their keys, followed by the
body. The Go client (rocketmq-client-go v2.1.2) leaves SecurityToken out;
Java's server puts it in and leaves _UNIQUE_KEY_QUERY out. Check accepts
both; Sign computes the Go client's.

# Decision order (Java's PlainPermissionManager.validate)

 1. A remote address in globalWhiteRemoteAddresses passes.
 2. No AccessKey: refused ("No accessKey is configured").
 3. An unknown AccessKey: refused ("No acl config for ...").
 4. A remote address in the account's whiteRemoteAddress passes, with no
    signature or permission check.
 5. A wrong or missing signature: refused ("Check signature failed ...").
 6. An admin request code (IsAdminCode), or any request passed to
    CheckAdmin, from an account without admin: true: refused.
 7. An admin account with neither topicPerms nor groupPerms passes.
 8. Every Resource must be allowed by the account's explicit permission
    for it, or else by its default permission. DENY refuses everything.

Besides Java's admin codes, the codes that dump the whole topic or group
configuration or every group's offsets need an admin account.

A topic named %RETRY%<group> is the group's: touching it needs SUB on the
group, as in Java. A producer group (Perm Any) needs any permission but
DENY on the group, an addition to Java, which does not check producer
groups.

# Unsigned requests of the Go admin client

The Go client's admin package signs broker calls only after
GetAllSubscriptionGroup has called RegisterACL, so admin.CreateTopic and
admin.DeleteTopic normally arrive without an AccessKey. They are refused
like any unsigned request, unless the remote address is in
globalWhiteRemoteAddresses (say, the operator's host). Calling
GetAllSubscriptionGroup first with an admin account's credentials makes
later calls signed.
*/
package acl
