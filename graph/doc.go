// Package graph is the quote-attribution graph of graphd: who said what,
// where and when, as printed in which article. It holds the domain types
// (Article, Quote, Occurrence, Speaker, Venue, Outlet), the sentinel
// errors, and Store, which keeps the graph in a Badger database and
// orchestrates every write. No other package imports Badger, and no
// exported name here mentions it.
//
// The algorithms the store runs are packages of their own, pure, whose
// tests need no store:
//
//	graph/key       the key of every kind: one constructor each, and Parse
//	graph/identity  names split, skeletons and block keys, name and profile
//	                evidence, titles, the verdict: merge, review or nothing
//	graph/similar   quote comparison, match keys, MinHash sketches, word
//	                diffs, fidelity and misquotes
//	graph/search    search words and positions, stems, the parsed search and
//	                its match against a text, BM25
//	fold            the one text normalization of names and words, which
//	                the GraphQL filters and the extractor use too
//
// graph applies them: it reads and writes records and indexes, and
// decides with what they say (a quote's candidates come from the match
// index, a speaker's from the block index).
//
// # The model
//
// A Quote is one statement. Each article that printed it holds one
// Occurrence of it: the text as that article printed it, its speaker
// mention, venue, cue and spans. The quote's canonical text is the longest
// printing that contains, or is contained in, the first printing; its
// first sighting is the earliest dated article (undated articles count as
// later). An occurrence's similarity, fidelity, word diff and likely
// misquotes (a negation, a number or a word turned into its opposite) are
// computed against the canonical text when read.
//
// A Speaker is one person, or an organisation, a group, a place or a
// document that speaks: its Type, kept on its speaker records ("type" in
// the record; a record stored before speakers had types has none and is
// a person), which identity resolution never merges across. Each
// distinct name an article gave is a speaker record; identity resolution
// merges records into clusters whose oldest root is the canonical
// speaker, so a speaker's id survives
// merges, and the id of any merged record finds it. A merge keeps its
// evidence and a confidence; evidence that falls short of a merge makes a
// Candidate for review; a person's decisions (MergeSpeakers,
// RejectCandidate, UndoMerge) are kept by normalized name, so later
// ingests and Reindex honour them.
//
// # Writing
//
// A write has a pure part and a deciding part. Prepare does the pure part
// of an article, on any goroutine: it validates the input, hashes the
// text into the article's key, orders the quotations by where they start,
// prepares each quotation's text for comparison (folded words, stems,
// character 3-grams) with its match keys and its words for the search
// index (each word's positions, which the writer takes when the quotation
// starts a quote), and makes the MinHash sketch of the article's
// wording. PutBatch does the rest, in one writer (writes are serialized
// by a mutex: they all update the counters; as no two transactions that
// read what they write ever run at once, Badger does not check them for
// conflicts): it writes a
// batch of prepared articles in order, as few Badger transactions as fit
// (a transaction is closed before its articles' estimated size passes a
// twelfth of a memtable; an article that Badger still finds too large is
// written in the next transaction, and one too large for a transaction of
// its own is refused alone with ErrInvalid "article too large").
//
// For each article it writes the article, its outlet, its occurrences,
// any new speakers and venues, and then: the speakers' profiles (roles
// with the article's date, venues, the people quoted beside them);
// identity resolution of new speaker records, whose candidates come from
// the block index (surname skeletons), never a scan; the grouping of each
// occurrence with the quote of an earlier printing, found through the
// match index and accepted on text similarity, speaker agreement and
// dates; the shared quotations as evidence for the speakers that share
// them; attribution conflicts; the copy link between the article and the
// one sharing most of its quotes (and wording) with it; and for every
// quote it creates or changes, its index entries, the search index and
// all counts (the dashboard's included).
//
// Every decision about an article sees what the articles before it in
// the batch wrote, so that a batch gives the same graph, byte for byte, as
// its articles put one by one (TestBatchSameAsOneByOne): what a point
// read finds (records, lookups, match keys) the writer reads through the
// transaction, which holds the batch's writes; what a scan of an index
// would find, the writer keeps in memory for the batch (the speaker
// records named under each block key, the printings added to each quote,
// the match keys' postings, written once at the end). Ids are UUIDv7
// handed out by the writer in write order, and nothing a decision reads
// depends on the clock, on map order or on how many goroutines prepared
// the articles: the same articles in the same order give the same graph.
//
// The writer keeps bounded caches of committed state across batches: the
// postings of match keys, the first speaker records under each block key,
// speaker records decoded (a writer changes a copy), and printings with
// their text prepared, so that a candidate printing is read and prepared
// once, not once per comparison; and a Bloom filter of
// every match key in the store, built by one scan of the match index's
// keys, so that a key never stored (most of a new quotation's) is known
// absent without a read; the scan, which reads every block of the index
// anyway, keeps the postings of the keys it passes in their cache too,
// up to the cache's size, when that cache is empty (the store just
// opened). Grouping stops reading candidates once one printing matches
// exactly (no later one can score more), and takes what it needs of a
// quote's first printing (id, date, and words while the quote's text is
// that printing's) from the quote's record. A cache only answers what Badger would (the
// filter errs only towards a read); the writer adds a batch's writes
// once it has committed, and a write of any other kind empties them (but
// a merge of search segments, which changes nothing they hold).
// WriteStats counts their hits and misses, the keys the filter found
// absent, the transactions and articles, and the CPU time of the
// writer's thread. A transaction's maps are made with room for what the
// last one held.
//
// SetThrottle gives the writer something to take a step from before it
// writes each article and before each transaction's flush, so that a
// server's queries go ahead of its writes (ingest.Gate); a step is never
// taken during a commit.
//
// A reader sees all of an article or none of it, and a crash can lose the
// last batches but never leaves the search index or a count behind the
// graph. Re-putting the same text under the same key writes nothing;
// other text under the same key deletes the old occurrences with their
// index entries, recomputes their quotes, and writes the new ones under
// the old article id. Speakers, venues and outlets are never deleted.
// Watch tells of every committed change, an article at a time. A write's
// state is in parts: the venues and outlet it found or made (catalog),
// the speaker records identity reads and changes (people), what its
// quotes change of the search index and the counts (tally), the record
// counters, numbers and edges (ledger), and what the batch keeps for its
// later articles (batch). Writers keep the committed values of the
// dashboard counts they touch in memory, so that busy days are not read
// back for every article, and write the search index of what a
// transaction changed as one new segment (see Search below): a batch
// whose articles fit one transaction adds one segment, however many
// articles it holds, and a quote that later articles of the batch
// change again is indexed once, as the batch leaves it. The segment's
// blocks are built (postings sorted and encoded, the dictionary stemmed)
// on a goroutine of their own while the writer's thread writes the rest
// of the transaction's flush, and set in the transaction after it. Reindex drops
// everything derived and hands a Rebuild to write the stored articles
// again through the same writer, in the order they were first stored,
// each transaction running every segment merge it calls for.
//
// The search index, the facets and the dashboard counts follow a quote's
// canonical text and first printing: a statement counts once, on the day
// it was first seen, for the speaker, venue and outlet of its first
// printing. The listings by article, speaker, venue and outlet take every
// printing.
//
// A Loader writes whole records (ids included) into an empty store in
// large batches, counts last: for restoring exports and building big
// stores. It loads a quote with all its printings (Statement), speaker
// records with the clusters they form and the evidence of each merge,
// articles with the article they copy, review candidates and people's
// decisions, and builds the match index of the printings it loads, so
// that a restored store groups later printings as the original would.
// A load that fails deletes what it wrote; a store whose load was cut
// short (the process died) is marked and refused by Open.
//
// A store can also be built whole, beside the one it replaces (bulk.go).
// BulkLoad (graphd ingest --bulk) and ReindexBeside (graphd reindex) write
// into a staging store beside dir, through the same writer as a live
// ingest (ReindexBeside first copies into it the articles, outlets,
// decisions and all else Reindex keeps, then Reindex rebuilds the rest),
// so every decision is the one a live ingest or an in-place Reindex
// makes. The staging store, read once and thrown away, has its tables
// uncompressed and its transactions unchecked for conflicts (it has one
// writer), and is dropped, not closed, once streamed, so that its last
// memtables are never written out. The complete staging store is read
// in key order by Badger's Stream into Badger's StreamWriter, which
// writes the sorted tables of a new store directly, without transactions
// (as Dgraph's bulk loader does); the new store is synced file by file
// and swapped with dir in one atomic exchange of names (renameat2
// RENAME_EXCHANGE), the parent directory synced after, and the old store
// removed last. The store at
// dir is held open read-only meanwhile (readers come, a writer gets a
// LockedError), a lock file beside it keeps a second build out
// (ErrBuilding), and the staging store carries the loading mark, so it
// never opens as a valid store. So a build killed at any step leaves dir as it was, or
// complete with the new store once swapped, and the next build removes
// what was left beside it (.DIR.graphd-staging, .DIR.graphd-new) and
// starts again.
//
// One process opens a store on disk for writing at a time, or several for
// reading. Each leaves a holder record in the store's directory (its pid,
// command line, and for a server the address it serves on, SetAddr), so
// that Open of a store another process holds returns a LockedError naming
// the holders instead of Badger's lock message; records of processes that
// died are recognised as stale and cleared (holder.go). Sync makes the
// writes committed so far durable against a crash of the machine.
//
// # Names and words
//
// Names and search words are compared folded by package fold: letters
// decomposed as Unicode NFD does and stripped of their diacritics in
// every script (ä→a, ά→α, й→и), the letters that do not decompose mapped
// (ł→l, ß→ss), lowercased, apostrophes and periods dropped
// ("O'Brien"→"obrien", "U.S."→"us"), every rune that is not a letter, a
// digit or a spacing mark a word break, spaces collapsed. A token is one
// word of that form, cut to 64 bytes. "Normalized" below means folded so.
//
// # Key layout
//
// Every key starts with one prefix byte naming its kind, as in dgraph's
// x/keys.go; package graph/key builds every kind and parses it back, and
// golden tests (testdata/golden: a key of every kind, every record and
// index value, and a whole store after a fixed series of writes) pin
// the bytes. Ids are the 16 bytes of a UUIDv7, so records of a kind sort
// in creation order. A date is 8 bytes big-endian: 0 when unknown,
// otherwise Unix milliseconds with the sign bit flipped, so dates sort as
// unsigned bytes and unknown dates first. Normalized names and tokens
// never contain 0x00, which ends them inside a key.
//
// Records (value: a record, see below):
//
//	0x01 <article id>   article, without its text
//	0x02 <quote id>     quote (binary)
//	0x03 <speaker id>   speaker
//	0x04 <venue id>     venue
//	0x05 <outlet id>    outlet
//	0x07 <occurrence id> occurrence: one printing of a quote in one article (binary)
//	0x06 <article id> <chunk, uint32 big-endian>
//	                    the article's text: raw UTF-8 bytes cut in 512 KiB chunks (not
//	                    at rune boundaries), kept out of the record so no value outgrows
//	                    what an in-memory Badger takes and no JSON escapes the text
//
// Quote indexes. Each key ends with <date><quote id>, the date being the
// quote's first sighting. Every index thus lists its quotes by (date,
// quote id), which is text order for the quotes an article starts because
// quote ids are handed out in text order, and a quote cursor is the same
// 24 bytes whatever index served it. A quote is listed under the article,
// speaker record, venue and outlet of every printing; when its first
// sighting moves earlier, all its entries are rewritten. Every value
// starts with the quote's three facet bytes: its kind (1 direct, 2
// partial, 3 indirect) and its confidence in units of 1/10000, uint16
// big-endian; kind and confidence filters read them from whichever index
// serves a query.
//
//	0x10 <article id> <date> <quote id>   quotes an article printed; value the facets and the
//	                                      id of the article's printing of the quote (an article
//	                                      prints a quote once: these are its printings too)
//	0x11 <speaker id> <date> <quote id>   quotes a speaker record was given (a canonical
//	                                      speaker reads those of all its records); value the facets
//	0x12 <venue id> <date> <quote id>     quotes said at a venue; value the facets
//	0x13 <date> <quote id>                all quotes by date; value the facets
//	0x16 <outlet id> <date> <quote id>    quotes printed in articles of the outlet; value the facets
//	0x1b <quote id>                       quotes attributed to people who cannot be one
//	                                      person (an attribution conflict); value empty
//
// Occurrence indexes:
//
//	0x18 <quote id> <occurrence id>       printings of a quote; value <article id><speaker id>
//	0x1a <match key>                      the newest 8 printings with the key, oldest first:
//	                                      <occurrence id><quote id> each. Keys: the 4
//	                                      lowest-hashing pairs of stemmed content words,
//	                                      adjacent or one apart; single words of quotations
//	                                      too short for pairs; "=" and a hash of the
//	                                      normalized text for a quotation without content words
//
// Layout 5 had an index of the printings of an article (0x19 <article id>
// <occurrence id>, valued with the quote id), which the values of 0x10 made
// redundant, an exact key for every quotation, JSON quote and occurrence
// records, and a search index of word blocks (0x14), fresh postings (0x17)
// and a term dictionary (0x15) rewritten in place. The upgrade to layout 6
// (upgrade6.go) rewrites the records and the values of 0x10, drops 0x19,
// rebuilds the match index, then turns the blocks and fresh postings into
// the first segment and drops them, and sets the version last; each part
// can run again, so an upgrade cut short finishes when the store is next
// opened.
//
// Search (graph/search; segment.go, tally.go, merge.go, search.go here),
// over each quote's canonical text. A word is a token as above;
// positions count the words of the quote text from 0. The index is a set
// of segments, as Lucene's is: each written once, whole, by the
// transaction whose quotes it indexes (one article, or a batch of them)
// or by a merge of older segments, and never changed after. A segment
// number is 8 bytes big-endian, handed out in order and never reused.
//
//	0x80                                  the directory, one key: a version byte (1), then
//	                                      uvarints: the next segment number; the live
//	                                      segments, each its number, postings, postings
//	                                      deleted, dictionary entries, bytes, the number of
//	                                      the last write that deleted some of its postings
//	                                      (0 for none), the first and last date of its
//	                                      postings; the merges under way, each its output,
//	                                      the last write whose deletions it applies, and
//	                                      its inputs; the merged segments whose keys are
//	                                      still to delete
//	0x81 <segment> <word> 0x00 <date> <quote id>
//	                                      a block of the segment's postings, named by its
//	                                      last; postings sorted by word, then date and
//	                                      quote, cut into blocks of about 4 KiB or 128
//	                                      postings. Value: uvarint count of runs, then per
//	                                      run the word (uvarint length, bytes), its postings
//	                                      (uvarint) and their bytes (uvarint), then each
//	                                      posting: the date (uvarint gap from the run's
//	                                      previous posting, the first whole), the quote id,
//	                                      and a uvarint-length value: the facets, the
//	                                      speaker, venue and outlet numbers (uvarint, 0
//	                                      for none), the quote's length in words and the
//	                                      word's positions (uvarint gaps)
//	0x82 <segment> <word>                 a block of the segment's term dictionary, named
//	                                      by its last word; words sorted. Value: uvarint
//	                                      count, then per word the word (uvarint length,
//	                                      bytes), its English (Porter2) stem (uvarint bytes
//	                                      shared with the word, uvarint length and bytes of
//	                                      the rest), the change the segment makes to the
//	                                      number of quotes holding the word (zigzag
//	                                      varint) and its postings in the segment (uvarint)
//	0x83 <segment> <write>                the segment's postings that a later write (the
//	                                      number it was given) deleted: uvarint count,
//	                                      then per quote its <date><quote id> and the
//	                                      number of its postings (words) in the segment
//
// A forward seek to 0x81 <segment> <word> 0x00 <date> <quote id> lands on
// the block holding the word's first posting at or after it; the word's
// postings go on into the next block only when this block's last posting
// is the word's. A quote's postings live in exactly one live segment and
// are not deleted there. A write that takes a quote out of the index, or
// changes what of it the index holds (its canonical text, kind,
// confidence, first date, speaker, venue or outlet), marks its postings
// deleted in the segment holding them (0x83, one key per segment and
// write) and writes the new ones in its own segment: a deleted-documents
// set per segment, as Lucene's, applied by readers and dropped by the
// merge that rewrites the segment. Document frequencies are exact: a
// segment's dictionary holds signed changes, +1 for each quote it adds
// holding the word and -1 for each its write took out, so the number of
// quotes holding a word is the sum over the live segments, whatever they
// still hold deleted; a merge adds its inputs' changes up. The number of
// quotes and of words (for the mean length) are the counters "quotes"
// and "words". A write that changes nothing of the index writes none of
// these keys.
//
// Merges (merge.go) by size tiers: a segment's level is how many times 8
// its size (postings and dictionary entries) is above 2,048; a level that
// holds 8 segments has its smallest (up to 16) merged into one, and a
// segment a quarter of whose postings are deleted is rewritten alone. A
// merge of at most 16,384 runs in one transaction right after the write
// that called for it, while that write still holds the writer; larger
// ones run in the background on a store on disk open for writing, two
// workers (merges of at most 262,144, and larger), each reading its
// inputs from one snapshot and writing its output in batches of 4 MiB
// while writes go on, then holding the writer for one transaction that
// lists the output in the directory in place of its inputs (carrying
// over the deletions writes made in the inputs meanwhile), then deleting
// the inputs' keys. A merge cut short by Close, its context or a crash is
// found in the directory and its output deleted by the next. An
// in-memory store runs every merge in the write that calls for it.
//
// Speakers, venues and outlets carry a number ("num" in their records,
// copied into their quotes' records), small and never reused, handed out
// from the counters "speaker#", "venue#" and "outlet#"; a search filters
// on them in the postings without another index.
//
// Speaker, venue, outlet and article indexes:
//
//	0x20 <name> 0x00 <speaker id>         speakers by normalized full name; value empty
//	0x21 <name or alias>                  speaker lookup, one key per distinct normalized
//	                                      full name or alias; value <speaker id><normalized full name>
//	0x22 <token> 0x00 <speaker id>        a word of the speaker's name or an alias;
//	                                      value the normalized full name
//	0x23 <block key> 0x00 <speaker id>    identity blocking: "s:" and the skeleton of the
//	                                      surname (letters transliterations swap made one,
//	                                      later vowels dropped); value empty
//	0x30 <name> 0x00 <venue id>           venues by normalized name; value empty
//	0x31 <name> 0x00 <kind>               venue lookup by name and kind; value <venue id>
//	0x32 <token> 0x00 <venue id>          a word of the venue's name; value the normalized name
//	0x40 <name>                           outlet by normalized name; value <outlet id>
//	0x50 <article key>                    article by key (URL, "id:"+source id or
//	                                      "sha256:"+hash); value <article id>
//	0x51 <^date> <article id>             articles newest published first: the date
//	                                      bytes inverted, so unknown dates come last; value empty
//	0x52 <original id> <copy id>          articles found to copy or rewrite another; value empty
//
// Speaker ids are those of speaker records; 0x20 lists only canonical
// ones, under the cluster's display name, while 0x21 and 0x22 find every
// record, which readers take to its canonical speaker. A lookup key
// (0x21, 0x31, 0x40) names one record: two records share a normalized
// name only when a later key layout came to fold their names alike (the
// fold of layout 5 folds more than layout 4's did), and the key names the
// earlier record; writes, Check, the Loader and upgrades agree on it.
//
// Identity review and decisions:
//
//	0x7a <candidate id>                   a merge candidate: two speaker records, evidence
//	0x7b <speaker id> <speaker id>        candidate by its pair, lower id first; value <candidate id>
//	0x7c <name> 0x00 <name>               a person's decision on two normalized names, one key
//	                                      each way; value a record: "merge" or "apart"
//
// Edges, counters and metadata:
//
//	0x60 <speaker id> <venue id>          speaker record was quoted at venue; value the number
//	                                      of such printings, uint64 big-endian; deleted at zero
//	0x24 <speaker id> <role, 1 byte>      the last date the role was held, when later than the
//	                                      record's; 8 bytes as dates in keys
//	0x25 <speaker id>                     a speaker record merged into another; value the id of
//	                                      its cluster's canonical record (to count by person)
//	0x08 <name>                           counter: "articles", "quotes", "occurrences",
//	                                      "speakers" (canonical ones), "venues", "outlets",
//	                                      "words" (of all quote texts), and the last numbers
//	                                      "speaker#", "venue#", "outlet#"; value uint64 big-endian
//	0x00 "version"                        key layout version, one byte (6); Open upgrades
//	                                      a store of version 1 to 5 and refuses others
//	0x00 "loading"                        a Loader, or the staging or new store of a build
//	                                      (BulkLoad, ReindexBeside), has not finished; Open
//	                                      refuses the store
//	0x00 "reindexing"                     a Reindex in place has not finished; ReindexPending,
//	                                      Check fails
//
// Dashboard counts (stats.go), uint64 big-endian, deleted at zero. A
// dimension is 's' speaker, 'v' venue, 'o' outlet, 'k' kind or 'q' all
// quotes; a value a speaker, venue or outlet id or a kind (the kind ends
// with 0x00 in a timeline key; 'q' has none); a period a signed number as
// uint32 big-endian with the sign bit flipped; a day counts from
// 1970-01-01, UTC.
//
//	0x70 <dim> <level> <period> <value>   rollup: quotes of the value in the period; level
//	                                      'a' all time (period 0, undated quotes too), 'y'
//	                                      year, 'm' month (year×12+month−1) or 'd' day
//	0x71 <dim> <value> <day>              timeline: quotes of the value on the day
//
// # Values
//
// A record value is one version byte followed by the record. Quote and
// occurrence records, nearly two for every quotation stored, are binary
// (version 2, wire.go): Protocol Buffers' wire format with numbered
// fields, each left out when empty (ids as 16 bytes, numbers as varints,
// texts as bytes, a span as two varints, a date as seconds and
// nanoseconds, confidence and score as IEEE 754 doubles); a quote's canon
// is left out when it is its first printing. The other records are JSON
// (version 1), the *Rec types of record.go; the stored types are apart
// from the domain types so these can grow freely. Text chunks, index,
// edge and counter values are raw bytes as listed above.
//
// # Limits
//
// Article text is at most MaxTextBytes (8 MiB); quote text 64 KiB; names,
// titles, cues and mentions 1 KiB; URL, source id and title 4 KiB. A
// speaker keeps at most 100 titles and 100 aliases. One article with all
// its index entries must fit one Badger transaction (15% of a 32 MiB
// memtable): on disk, text goes to the value log and only the entries
// count; in memory everything counts, so an in-memory store takes
// articles of up to about 4 MiB. PutArticle and PutBatch refuse larger
// ones with ErrInvalid "article too large".
//
// # Reading
//
// Every read runs in one Badger read transaction and so sees one
// consistent state; a Snapshot holds one open for long reads: an export
// reads every quote, its printings, speaker records, candidates and
// decisions from one. Quote, occurrence and article records, which long
// reads decode by the hundred thousand, are decoded by a scanner of
// their own (decode.go), encoding/json doing the rest. Quotes
// picks its indexes from the filter and intersects them by leapfrogging
// over the shared <date><quote id> suffix, forward or, newest first, in
// reverse; it reads quote records only for the page it returns (and, for
// a search whose last word is a very short prefix, to check the text).
// Ranking by relevance scores every match with BM25 from the postings
// and the segments' dictionaries, which a store keeps in memory once read
// (segcache.go): a search looks a word's stem group and prefix up in each
// live segment's dictionary, reads a segment's few postings of a word at
// once and its many block by block, and skips the ones deleted. QuotesBy adds up rollups, whole years, months and
// days of a range; Timeline reads timelines, or for filters of several
// dimensions counts matches by the date in their keys. Listings are paged
// by opaque cursors; Check verifies every record against every index and
// count, every quote against its occurrences, and every cluster of
// speaker records against its root.
package graph
