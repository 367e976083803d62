package broker

import (
	"bytes"
	"errors"
	"strconv"

	"github.com/sagashop/sagashop/mq/message"
	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/store"
)

const (
	// uniqueKeyQuery is the ext field saying that QUERY_MESSAGE's key is a
	// UNIQ_KEY (Java MixAll.UNIQUE_MSG_QUERY_FLAG).
	uniqueKeyQuery = "_UNIQUE_KEY_QUERY"
	// defaultQueryMaxNum is how many records a UNIQ_KEY query looks at
	// (Java's defaultQueryMaxNum), whatever maxNum says.
	defaultQueryMaxNum = 32
)

// queryMessage handles QUERY_MESSAGE: the records of a topic that carry a
// key as their UNIQ_KEY or in their KEYS, newest first, at most maxNum,
// stored between beginTimestamp and endTimestamp (Java
// QueryMessageProcessor). An empty maxNum, beginTimestamp or
// endTimestamp means 32, 0 and no limit.
//
// With _UNIQUE_KEY_QUERY=true the key is a UNIQ_KEY: only records whose
// UNIQ_KEY it is count, and the reply holds the earliest stored of them,
// the one Java's MQAdminImpl.queryMessageByUniqKey keeps (a producer's
// retry may have stored a message twice).
func (b *Broker) queryMessage(c *remoting.Conn, req *remoting.Command) *remoting.Command {
	topic, key := req.Ext("topic"), req.Ext("key")
	var bad bool
	num := func(field string, def int64) int64 {
		v := req.Ext(field)
		if v == "" {
			return def
		}
		n, err := strconv.ParseInt(v, 10, 64)
		bad = bad || err != nil
		return n
	}
	maxNum := num("maxNum", defaultQueryMaxNum)
	begin, end := num("beginTimestamp", 0), num("endTimestamp", 0)
	if bad || topic == "" || key == "" {
		return remoting.Errorf(req, remoting.SystemError,
			"header fields topic=%q key=%q maxNum=%q beginTimestamp=%q endTimestamp=%q are invalid",
			topic, key, req.Ext("maxNum"), req.Ext("beginTimestamp"), req.Ext("endTimestamp"))
	}
	unique := req.Ext(uniqueKeyQuery) == "true"
	if unique {
		maxNum = defaultQueryMaxNum
	}
	recs, err := b.store.QueryByKey(topic, key, int(min(max(maxNum, 0), 1<<20)), begin, end)
	if err != nil {
		return storeError(req, err)
	}
	if unique {
		recs = earliestWithUniqKey(recs, key)
	}
	var resp *remoting.Command
	if len(recs) == 0 {
		resp = remoting.Errorf(req, remoting.QueryNotFound,
			"no message of topic %s with key %s stored between %d and %d; maybe the time range is wrong",
			topic, key, begin, end)
	} else {
		resp = remoting.NewResponse(req, remoting.Success, "")
		resp.Body = bytes.Join(recs, nil)
	}
	ts, off := b.store.IndexLastUpdate()
	resp.ExtFields["indexLastUpdateTimestamp"] = strconv.FormatInt(ts, 10)
	resp.ExtFields["indexLastUpdatePhyoffset"] = strconv.FormatInt(off, 10)
	return resp
}

// earliestWithUniqKey returns, of records given newest first, the last
// one whose UNIQ_KEY is key (none if no record has it).
func earliestWithUniqKey(recs [][]byte, key string) [][]byte {
	for i := len(recs) - 1; i >= 0; i-- {
		m, _, err := message.Decode(recs[i])
		if err != nil {
			continue
		}
		if u, ok := message.Property(m.Properties, message.PropUniqKey); ok && u == key {
			return recs[i : i+1]
		}
	}
	return nil
}

// viewMessageByID handles VIEW_MESSAGE_BY_ID: the record at the CommitLog
// offset that the client decoded from an offsetMsgId.
func (b *Broker) viewMessageByID(c *remoting.Conn, req *remoting.Command) *remoting.Command {
	off, err := strconv.ParseInt(req.Ext("offset"), 10, 64)
	if err != nil || off < 0 {
		return remoting.Errorf(req, remoting.SystemError, "header field offset=%q is invalid", req.Ext("offset"))
	}
	rec, err := b.store.ReadAt(off)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return remoting.Errorf(req, remoting.SystemError, "no message at offset %d", off)
	case err != nil:
		return storeError(req, err)
	}
	resp := remoting.NewResponse(req, remoting.Success, "")
	resp.Body = rec
	return resp
}

// storeError is the reply to a failed store read.
func storeError(req *remoting.Command, err error) *remoting.Command {
	if errors.Is(err, store.ErrClosed) {
		return remoting.Errorf(req, remoting.ServiceNotAvailable, "broker is shutting down")
	}
	return remoting.Errorf(req, remoting.SystemError, "%v", err)
}
