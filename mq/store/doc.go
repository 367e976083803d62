/*
Package store is the broker's message store, after RocketMQ's
DefaultMessageStore: one append-only CommitLog of V1 records shared by all
topics, one ConsumeQueue per topic and queue indexing it, an index by
message key, a checkpoint, and the recovery that makes them agree again
after a crash. This comment is the
specification of the files; the code follows it.

All integers are big-endian. Offsets are byte offsets unless called queue
offsets. "fsync" below is fdatasync(2).

# Directory

	<Dir>/
	  lock                      flock(2)ed while a Store has the directory open
	  abort                     exists while a Store is open (empty)
	  checkpoint                68 bytes, replaced atomically
	  checkpoint.tmp            transient
	  commitlog/<20 digits>     CommitLog segments, named by their start offset
	  consumequeue/<topic>/<queueId>/<20 digits>
	                            ConsumeQueue segments, named by the byte
	                            position of their first unit
	  consumequeue/.deleted-*   a topic being deleted; removed at Open
	  index/<20 digits>         index files, named by the CommitLog offset
	                            of the first record they index

Segments of both kinds are regular files of a fixed size that are mapped
shared (mmap(2), MAP_SHARED) and written through the mapping, so a write is
in the page cache, and survives the death of the process, as soon as the
store returns. Disk blocks are reserved ahead of the writer with
fallocate(2) (4 MiB ahead in the CommitLog, 64 KiB in a ConsumeQueue) so
that a full disk is an ErrDiskFull from Put and not a SIGBUS; bytes never
written read as zero. Names are zero-padded decimal, 20 digits
(00000000001073741824).

# CommitLog

The CommitLog is the concatenation of its segments: segment files are
contiguous (each starts where the previous ends), and a new one is
Options.CommitLogSegmentSize bytes long (an existing last segment keeps a
larger size). The global offset of a byte is its segment's start plus its
position in the file. CommitLogMinOffset is the start of the first segment.

A segment holds, from position 0, entries back to back:

	entry  = record trailer
	record = a V1 message record exactly as message.AppendRecord encodes it
	         (TOTALSIZE .. PROPERTIES; see mq/message). The store fills in
	         QUEUEOFFSET (20, 8 bytes), PHYSICALOFFSET (28, 8 bytes: the
	         global offset of the record's first byte) and STORETIMESTAMP
	         (56 with an IPv4 born host, else 68; 8 bytes, Unix ms, never
	         decreasing along the log).
	trailer, 12 bytes, at record start + TOTALSIZE:
	  +0  int64   tagsCode, as given in Entry.TagsCode
	  +8  uint32  CRC-32C (Castagnoli) of record and tagsCode (TOTALSIZE+8
	              bytes), XOR 0x9E3779B9 for every record of a Put but its
	              last ("batch continues")

followed, once the next entry does not fit, by a blank marker, and zeros:

	blank, 8 bytes:
	  +0  int32   bytes from here to the end of the segment
	  +4  uint32  0xCBD43194 (Java's BLANK_MAGIC_CODE)

An entry is placed at position p only if p + TOTALSIZE + 12 + 8 <= the
segment size, so there is always room for the blank marker and no record
spans segments. The entry that does not fit goes at position 0 of the next
segment; the blank marker's offset range (and the zeros after it) belong
to no record. A record is therefore at most CommitLogSegmentSize - 20
bytes, and at most Options.MaxMessageSize.

A Put writes its records in order with one trailer each; only the last
carries the plain CRC. Recovery keeps a Put's records only if its last one
is intact, so a batch survives a crash whole or not at all. Pull replies are
served from the record bytes alone (trailers excluded).

A record is accepted (by recovery and by ReadAt) only if: TOTALSIZE >= 91,
the entry plus 8 bytes fits in the segment, MAGICCODE is 0xDAA320A7,
PHYSICALOFFSET equals the record's own offset, and (recovery, ReadAt) the
CRC matches plain or masked. The PHYSICALOFFSET check rejects stale
records that an earlier, truncated history left further on.

# ConsumeQueue

consumequeue/<topic>/<queueId>/ indexes one queue: the unit at byte
position 20*N describes the message at queue offset N. A unit is 20 bytes:

	+0   int64  commitlog offset of the record (its PHYSICALOFFSET)
	+8   int32  record size (TOTALSIZE; the trailer is not counted)
	+12  int64  tagsCode

A size of 0 means the unit was never written: the units in use form a
prefix of the last file, and the first zero size is the queue's end. A size
of -1 (offset and tagsCode 0) is a hole: no message has that queue offset.
Only recovery writes holes, when it has to start or continue a queue past
units it cannot rebuild. Readers skip holes and count them as scanned.

Files hold Options.ConsumeQueueSegmentEntries units (an existing last file
keeps a larger size) and are contiguous. Retention deletes leading files
only; the last file of a queue is never deleted. A queue's max offset (its
end) is the next queue offset to be made visible; its min offset is the
first unit that is not a hole and whose record lies at or after
CommitLogMinOffset.

Units are written in CommitLog order, so within a queue their commitlog
offsets increase.

# Index

index/ finds records by key (Java's IndexFile, simplified). The keys of a
record are its UNIQ_KEY property and each non-empty space-separated entry
of its KEYS property, in that order; each is indexed as topic + "#" + key
under h, its 32-bit FNV-1a hash (0 is stored as 1). A record whose
transaction type is rollback (sysFlag 0xC) has no keys. An index file is

	header, 64 bytes:
	  +0   uint32  magic 0x53494458 ("SIDX")
	  +4   uint32  version, 1
	  +8   uint32  S, the number of hash slots
	  +12  uint32  C, the number of entries the file holds
	  +16  int64   base: the offset of the first record indexed (= name)
	  +24  int64   base timestamp: that record's store timestamp
	  +32  uint32  CRC-32C of bytes 0..31
	  +36  zeros
	slot table, S x uint32 at 64: slot h mod S holds the number of the
	  newest entry with that slot (entries count from 1), 0 if none
	entries, C x 20 bytes at 64 + 4*S; entry n at 64 + 4*S + 20*(n-1):
	  +0   uint32  h (0: never written)
	  +4   int64   commitlog offset of the record
	  +12  uint32  store timestamp - base timestamp, ms
	  +16  uint32  the previous entry of the same slot, 0 if none

and is 64 + 4*S + 20*C bytes long (an existing file keeps the S and C of
its header; new ones get 1<<20 slots and 4<<20 entries, 84 MiB). Disk
blocks are fallocated for the header and slot table at creation and for
the entries 1 MiB at a time ahead of the writer. Entries in use form a
prefix of the table, ended by the first h of 0.

Records are indexed in CommitLog order, at dispatch (so under SyncFlush
after the fsync), each entry written before the slot head that links it;
a record's entries all go into one file. A new file starts with the next
record that has keys when the last file cannot take all of them, or when
the record's store timestamp is more than 2^32-1 ms after, or before, the
file's base timestamp. A file takes at most C keys of a record that has
more. The entries of a slot thus form a chain from the newest, in
decreasing entry number, commitlog offset and store timestamp, and the
records of a file lie below the base of the next.

A lookup of topic and key walks the chain of h in each file, newest file
first. It stops in a file at the first entry stored before the query's
range or lying below CommitLogMinOffset, and reads the record of every
entry whose h matches: it is returned only if it is still readable, of
the topic and carries the key. Hash and slot collisions, entries that
recovery could not attribute and records deleted by retention therefore
never show up. A record carrying a key twice is returned once.

If no index file can be created or grown (disk full), the records
dispatched meanwhile stay unindexed; the error is logged.

# Checkpoint

checkpoint is 68 bytes:

	+0   uint32  magic 0x53434B50 ("SCKP")
	+4   uint32  version, 1
	+8   int64   Flushed: the CommitLog is fsynced below this offset
	+16  int64   CQDurable: every record below this offset has its
	             ConsumeQueue unit and index entries fsynced
	             (CQDurable <= Flushed)
	+24  int64   ActiveFrom: the start of the Put that first wrote into
	             the segment being appended to; a Put boundary at or before
	             that segment's start
	+32  int64   FlushedAt: when Flushed last advanced (Unix ms)
	+40  int64   CQDurableAt: when CQDurable last advanced (Unix ms)
	+48  int64   WrittenAt: when this file was written (Unix ms)
	+56  uint32  flags: bit 0 = written by a clean Close
	+60  uint32  Queues: how many ConsumeQueues existed
	+64  uint32  CRC-32C of bytes 0..63

Flushed, CQDurable and ActiveFrom are all Put boundaries. The file is
written to checkpoint.tmp, fsynced, renamed over checkpoint and the
directory fsynced. It is written every FlushInterval when something
changed, at the end of recovery, by DeleteTopic and by Close. A checkpoint
that is missing or fails its checks is treated as absent.

# Flush modes

AsyncFlush: Put writes the records, their ConsumeQueue units and index
entries through the mappings and makes them visible before it returns;
OnDurable fires at once. Every FlushInterval the flusher fsyncs the
CommitLog up to its end, then the ConsumeQueues and the index files
written since, then writes the checkpoint. A killed process loses
nothing that Put returned; a power failure or kernel crash loses at most
the last FlushInterval.

SyncFlush (group commit): Put writes the records and queues them for
dispatch; it returns once they are in the page cache. A dedicated committer
goroutine wakes as soon as a Put or an OnDurable is waiting, fsyncs the
CommitLog once up to everything written so far (and the commitlog
directory when that covers a new segment), then writes the units and
index entries of those records, makes each Put visible as a whole, calls
OnDispatch, and
completes every OnDurable waiter up to that offset. A record is thus never
visible to GetMessages or ReadAt before it is durable, and every Put
acknowledged through OnDurable survives a power failure. ConsumeQueues and
the checkpoint are flushed every FlushInterval as in AsyncFlush; recovery
rebuilds units and index entries that were not.

After an fsync error the store stops accepting writes (Put and OnDurable
return the error); reopening recovers.

# Recovery

Open takes the lock and then:

 1. Notes whether abort exists (the last run did not Close) and reads the
    checkpoint.
 2. Maps the CommitLog. A segment other than the last whose size is not
    the distance to the next fails Open with ErrCorrupt (data is missing).
    The last is grown to its size if shorter.
 3. Maps every ConsumeQueue. A queue whose files are not contiguous is
    deleted. Its end is the first unit of size 0 in its last file.
 4. Creates abort.
 5. Chooses a full rebuild if there is no valid checkpoint, a queue was
    deleted in step 3, or fewer queues exist than the checkpoint's Queues
    (a queue directory was lost). The verify point V is then the
    CommitLog's start; otherwise V = min(CQDurable, ActiveFrom), clamped
    to the CommitLog. V is a Put boundary at or before the start of the
    last segment, so even after a clean exit the whole last segment is
    verified.
 6. Scans from V, checking every record as described under CommitLog and
    following blank markers into the next segment, until the first record
    that fails. The valid end E is the end of the last record whose CRC is
    plain (the end of the last complete Put).
 7. Truncates the CommitLog at E: deletes the segments that start after
    the one holding E, zeroes every non-zero byte from E to the end of that
    segment (skipping file holes with SEEK_DATA/SEEK_HOLE), and fsyncs it.
 8. Drops, in every queue, the trailing units that point at or past E.
 9. Re-dispatches every record in [V, E). A unit equal to the record's is
    left alone. Skipped: records below CQDurable whose queue does not exist
    (their topic was deleted) and records older than the first unit a
    queue had on disk (an earlier, deleted incarnation of the topic). A
    missing unit at the queue's end is appended. A record that disagrees
    with its unit, or lies past the end of a queue loaded from disk, means
    that queue lost units: recovery restarts at step 8 as a full rebuild
    from the CommitLog's start, in which a disagreeing queue is truncated
    at the record and gaps become holes.
 10. If the last run did not Close cleanly, zeroes what lies past each
    queue's end in its last file.
 11. Sets each queue's max to its end and its min as defined above,
    deleting ConsumeQueue files wholly below the CommitLog's start.
 12. Brings the index in line with [V, E), V as finally used in step 9
    (the CommitLog's start instead if index/ did not exist or a file
    failed its header checks; such a file and all later ones are deleted
    first). Starting at the first entry with an offset at or past V in
    the last file whose base is at or before V, it compares the entries
    each record in [V, E) should have, file changes included, with those
    present, up to the first difference. Entries and files past that
    point are dropped (zeroed, deleted), and so, after an unclean exit,
    is anything past the end of the last file kept. Then, after an
    unclean exit, or when entries were dropped from a file, every slot
    head and previous-entry link of the files from the first one
    compared on is recomputed from their entries (only differing words
    are written). Finally the records from the difference to E are
    indexed anew. A clean start thus rewrites nothing.
 13. Resumes appending at E (in a new segment if E ends a full one), fsyncs
    all files and writes a checkpoint.

Known limits: a full rebuild (step 5 or 9) brings back topics deleted with
DeleteTopic whose records are still in the CommitLog; records that a Put
wrote to a topic while DeleteTopic ran may, after a crash, bring its queue
back starting at their queue offsets; units lost from a queue below V
are found only through the conditions above; index entries lost below V
(a file deleted by hand, records left unindexed for want of space) are
not rebuilt; and DeleteTopic leaves the topic's records findable by key
until retention deletes them, as in Java.

# Retention

Every CleanInterval, and at once when a Put finds the disk past
DiskMaxUsedSpaceRatio (checked at most every 100ms), the cleaner asks
DiskUsage. At one of DeleteHours (local hour of Options.Now), or whenever
the disk is past the ratio, it deletes CommitLog segments from the oldest
while they were last modified at least FileReservedTime before Now, are
not the last segment and hold only dispatched records. It then deletes the
leading ConsumeQueue files whose units all point below the new
CommitLogMinOffset (never a queue's last file) and moves each queue's min
offset up, and the index files (never the last) followed by one whose
base is at or below CommitLogMinOffset. While the disk is past the ratio Put fails with ErrDiskFull.

# Concurrency

Put may be called from many goroutines; appends are serialised by one
mutex and queue offsets assigned under it. Readers copy out of the mappings
under read locks and never block a Put that does not create a segment.
Index slot heads are loaded and stored atomically, and entries never
change once a slot head links them, so key lookups take no lock on the
index files themselves. The lock order is written on Store.
*/
package store
