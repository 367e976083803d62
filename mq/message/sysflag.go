package message

// Bits of the record's SYSFLAG field (Java MessageSysFlag).
const (
	FlagCompressed      int32 = 0x1
	FlagMultiTags       int32 = 0x2
	TransactionNotType  int32 = 0x0
	TransactionPrepared int32 = 0x4
	TransactionCommit   int32 = 0x8
	TransactionRollback int32 = 0xC
	transactionMask     int32 = 0xC
	FlagBornHostV6      int32 = 0x10
	FlagStoreHostV6     int32 = 0x20
)

// TransactionType returns the transaction bits of a sysFlag.
func TransactionType(sysFlag int32) int32 { return sysFlag & transactionMask }

// WithTransactionType returns sysFlag with its transaction bits set to t.
func WithTransactionType(sysFlag, t int32) int32 { return sysFlag&^transactionMask | t&transactionMask }
