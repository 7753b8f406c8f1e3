// Package graph is the quote-attribution graph of graphd: who said what,
// where and when, as printed in which article. It holds the domain types
// (Article, Quote, Occurrence, Speaker, Venue, Outlet), the sentinel
// errors, and Store, which keeps the graph in a Badger database. No other
// package imports Badger, and no exported name here mentions it.
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
// A Speaker is one person. Each distinct name an article gave is a
// speaker record; identity resolution merges records into clusters whose
// oldest root is the canonical speaker, so a speaker's id survives
// merges, and the id of any merged record finds it. A merge keeps its
// evidence and a confidence; evidence that falls short of a merge makes a
// Candidate for review; a person's decisions (MergeSpeakers,
// RejectCandidate, UndoMerge) are kept by normalized name, so later
// ingests and Reindex honour them.
//
// # Writing
//
// PutArticle writes an article, its outlet, its occurrences, any new
// speakers and venues, and then, in the same transaction: the speakers'
// profiles (roles with the article's date, venues, the people quoted
// beside them); identity resolution of new speaker records, whose
// candidates come from the block index (surname skeletons), never a scan;
// the grouping of each occurrence with the quote of an earlier printing,
// found through the match index (a hash of the normalized text, and the
// bottom hashes of content-word pairs and long words) and accepted on
// text similarity, speaker agreement and dates; the shared quotations as
// evidence for the speakers that share them; attribution conflicts; and
// the copy link between the article and the one sharing most of its
// quotes (and wording) with it. A reader sees all of an article or none
// of it. Writes are serialized by a mutex (they all update the counters)
// and retried on Badger conflicts. Re-putting the same text under the
// same key writes nothing; other text under the same key deletes the old
// occurrences with their index entries, recomputes their quotes, and
// writes the new ones under the old article id. Speakers, venues and
// outlets are never deleted. Reindex rebuilds everything derived from the
// stored articles, in the order they were first stored.
//
// # Names and words
//
// Names and search words are compared normalized: lowercased, Latin
// diacritics folded (ä→a, ł→l, ß→ss), apostrophes and periods dropped
// ("O'Brien"→"obrien", "U.S."→"us"), every other non-letter non-digit a
// word break, spaces collapsed. A token is one word of that form, cut to
// 64 bytes.
//
// # Key layout
//
// Every key starts with one prefix byte naming its kind, as in dgraph's
// x/keys.go. Ids are the 16 bytes of a UUIDv7, so records of a kind sort
// in creation order. A date is 8 bytes big-endian: 0 when unknown,
// otherwise Unix milliseconds with the sign bit flipped, so dates sort as
// unsigned bytes and unknown dates first. Normalized names and tokens
// never contain 0x00, which ends them inside a key.
//
// Records (value: a record, see below):
//
//	0x01 <article id>   article, without its text
//	0x02 <quote id>     quote
//	0x03 <speaker id>   speaker
//	0x04 <venue id>     venue
//	0x05 <outlet id>    outlet
//	0x07 <occurrence id> occurrence: one printing of a quote in one article
//	0x06 <article id> <chunk, uint32 big-endian>
//	                    the article's text: raw UTF-8 bytes cut in 512 KiB chunks (not
//	                    at rune boundaries), kept out of the record so no value outgrows
//	                    what an in-memory Badger takes and no JSON escapes the text
//
// Quote indexes. Each key ends with <date><quote id>, the date being the
// quote's first sighting, and the value is empty. Every index thus lists
// its quotes by (date, quote id), which is text order for the quotes an
// article starts because quote ids are handed out in text order, and a
// quote cursor is the same 24 bytes whatever index served it. A quote is
// listed under every article, speaker record, venue and word of any of
// its printings; when its first sighting moves earlier, all its entries
// are rewritten:
//
//	0x10 <article id> <date> <quote id>   quotes an article printed
//	0x11 <speaker id> <date> <quote id>   quotes a speaker record was given
//	                                      (a canonical speaker reads those of all its records)
//	0x12 <venue id> <date> <quote id>     quotes said at a venue
//	0x13 <date> <quote id>                all quotes by date
//	0x14 <token> 0x00 <date> <quote id>   quotes a printing of which has the word
//	0x72 <quote id>                       quotes attributed to people who cannot be one
//	                                      person (an attribution conflict); value empty
//
// Occurrence indexes:
//
//	0x15 <quote id> <occurrence id>       printings of a quote; value <article id><speaker id>
//	0x16 <article id> <occurrence id>     printings in an article, in text order; value <quote id>
//	0x17 <match key>                      the newest 8 printings with the key, oldest first:
//	                                      <occurrence id><quote id> each. Keys: "=" and a hash
//	                                      of the normalized text; the 8 lowest-hashing pairs
//	                                      of stemmed content words, adjacent or one apart;
//	                                      single words of quotations too short for pairs
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
// record, which readers take to its canonical speaker.
//
// Identity review and decisions:
//
//	0x70 <candidate id>                   a merge candidate: two speaker records, evidence
//	0x71 <speaker id> <speaker id>        candidate by its pair, lower id first; value <candidate id>
//	0x78 <name> 0x00 <name>               a person's decision on two normalized names, one key
//	                                      each way; value a record: "merge" or "apart"
//
// Edges, counters and metadata:
//
//	0x60 <speaker id> <venue id>          speaker record was quoted at venue; value the number
//	                                      of such printings, uint64 big-endian; deleted at zero
//	0x08 <name>                           counter: "articles", "quotes", "occurrences",
//	                                      "speakers" (canonical ones), "venues", "outlets";
//	                                      value uint64 big-endian
//	0x00 "version"                        key layout version, one byte (2); Open refuses others
//
// # Values
//
// A record value is one version byte (1) followed by a JSON object (the
// *Rec types of record.go); the stored types are apart from the domain
// types so these can grow freely. Text chunks, index, edge and counter
// values are raw bytes as listed above.
//
// # Limits
//
// Article text is at most MaxTextBytes (8 MiB); quote text 64 KiB; names,
// titles, cues and mentions 1 KiB; URL, source id and title 4 KiB. A
// speaker keeps at most 100 titles and 100 aliases. One article with all
// its index entries must fit one Badger transaction (15% of a 32 MiB
// memtable): on disk, text goes to the value log and only the entries
// count; in memory everything counts, so an in-memory store takes
// articles of up to about 4 MiB. PutArticle refuses larger ones with
// ErrInvalid "article too large".
//
// # Reading
//
// Every read runs in one Badger read transaction and so sees one
// consistent state. Quotes picks its indexes from the filter and
// intersects them by leapfrogging over the shared <date><quote id>
// suffix; it reads quote records only for the page it returns (and, for a
// search whose last word is a very short prefix, to check the text).
// Listings are paged by opaque cursors; Check verifies every record
// against every index, every quote against its occurrences, and every
// cluster of speaker records against its root.
package graph
