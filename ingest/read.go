package ingest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// The readers turn files into Articles. Each format has a reader that works
// on bytes (or, for JSON Lines, a stream) and a path used only to name the
// source in errors, so the parsers can be tested and fuzzed without files.
//
// A UTF-8 byte order mark at the start of a file is dropped before anything
// else, so offsets into Article.Text count from after it. Line endings are
// kept as read: a CRLF text file gives a Text with "\r\n" in it.

// sniffBytes is how much of a file is checked for NUL bytes before it is
// taken for text; the whole of it is then checked for UTF-8 (CheckUTF8).
const sniffBytes = 8 << 10

var utf8BOM = []byte("\uFEFF")

// ReadError is an error reading one file, or one record of a JSON or JSON
// Lines file. Err wraps one of the package's sentinel errors (ErrNoText,
// ErrTooLarge, ErrBinary, ErrMalformed, ErrUnsupported) or an error from the
// file system, so errors.Is works on a *ReadError.
type ReadError struct {
	Path string // the file, as given
	Line int    // 1-based line of the record; 0 when the error concerns the whole file
	Err  error
}

// Error names the file and line, then what went wrong.
func (e *ReadError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s line %d: %v", e.Path, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}

// Unwrap returns Err.
func (e *ReadError) Unwrap() error { return e.Err }

// fileFormat is the kind of file a reader parses.
type fileFormat int

const (
	formatUnknown fileFormat = iota // no extension: sniff the content
	formatText
	formatJSON
	formatJSONL
	formatHTML
)

// formatOf picks the format from the extension of path. It reports false for
// an extension graphd does not read.
func formatOf(path string) (fileFormat, bool) {
	switch strings.ToLower(filepath.Ext(path)) {
	case "":
		return formatUnknown, true
	case ".txt", ".text":
		return formatText, true
	case ".json":
		return formatJSON, true
	case ".jsonl", ".ndjson":
		return formatJSONL, true
	case ".html", ".htm", ".xhtml":
		return formatHTML, true
	}
	return formatUnknown, false
}

// ReadFile reads the articles in the file at path. The format follows the
// extension: .txt and .text are plain text, .json holds one object or an
// array of objects, .jsonl and .ndjson hold one object a line, .html and .htm
// are web pages. A file without an extension is sniffed; any other extension
// gives ErrUnsupported.
//
// Errors are *ReadError values wrapping ErrUnsupported, ErrTooLarge,
// ErrBinary, ErrMalformed, ErrNoText or a file system error. A bad record in
// a JSON or JSON Lines file does not stop the others: ReadFile returns the
// articles it could read together with the errors of the rest, joined.
func ReadFile(path string) ([]Article, error) {
	return collect(func(emit func(Article, error) error) { readFile(context.Background(), path, emit) })
}

// ReadBytes reads data as the content of a file named path, as ReadFile
// would; the name only chooses the format and names the errors.
func ReadBytes(path string, data []byte) ([]Article, error) {
	f, ok := formatOf(path)
	if !ok {
		return nil, &ReadError{Path: path, Err: fmt.Errorf("%w: extension %q", ErrUnsupported, filepath.Ext(path))}
	}
	if len(data) > MaxArticleBytes && f != formatJSONL {
		return nil, &ReadError{Path: path, Err: fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(data), MaxArticleBytes)}
	}
	return collect(func(emit func(Article, error) error) { readBytes(context.Background(), path, f, data, emit) })
}

// collect gathers what a reader emits: the articles, and the errors joined.
func collect(read func(emit func(Article, error) error)) ([]Article, error) {
	var (
		arts []Article
		errs []error
	)
	read(func(a Article, err error) error {
		if err != nil {
			errs = append(errs, err)
		} else {
			arts = append(arts, a)
		}
		return nil
	})
	return arts, errors.Join(errs...)
}

// Walk reads the files and directories named by paths, in order, and calls fn
// with each article, or with the error reading a file or a record. Errors
// handed to fn are *ReadError values as described for ReadFile; fn decides
// whether to go on (return nil) or stop (return an error, which Walk then
// returns). When err is non-nil, a holds only Path and Line.
//
// Directories are walked recursively in lexical order. Inside them, hidden
// files and directories (a name starting with "."), files whose extension
// graphd does not read, files without an extension and symbolic links to
// directories are skipped (WalkSkipping tells of them); a file named in
// paths is always read, so an unsupported one is an error.
//
// Walk returns ctx.Err() if ctx is done before the walk ends.
func Walk(ctx context.Context, paths []string, fn func(Article, error) error) error {
	return WalkSkipping(ctx, paths, fn, nil)
}

// WalkSkipping is Walk that also tells skipped, when not nil, of each file
// or directory it skips inside a walked directory, and why ("hidden",
// "unsupported extension .md", "no extension", "link to a directory").
func WalkSkipping(ctx context.Context, paths []string, fn func(Article, error) error, skipped func(path, why string)) error {
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return err
		}
		fi, err := os.Stat(p)
		switch {
		case err != nil:
			err = emitError(fn, fsError(p, err))
		case fi.IsDir():
			err = walkDir(ctx, p, fn, skipped)
		default:
			err = readFile(ctx, p, fn)
		}
		if err != nil {
			return err
		}
	}
	return ctx.Err()
}

// walkDir reads the supported files under root. It returns only errors
// that stop the walk: those of fn and of ctx.
func walkDir(ctx context.Context, root string, fn func(Article, error) error, skipped func(path, why string)) error {
	return eachFile(ctx, root,
		func(p string, _ fs.FileInfo) error { return readFile(ctx, p, fn) },
		func(err error) error { return emitError(fn, err) }, skipped)
}

// eachFile calls visit with every file under root that Walk reads, in
// lexical order, fail with each unreadable directory or entry, and skip
// (when not nil) with each entry it leaves out. It returns the first error
// of visit, fail or ctx, which stops it.
func eachFile(ctx context.Context, root string, visit func(string, fs.FileInfo) error, fail func(error) error, skip func(path, why string)) error {
	if skip == nil {
		skip = func(string, string) {}
	}
	// What stops the walk is kept aside, so that a callback returning
	// filepath.SkipDir cannot steer filepath.WalkDir.
	var stop error
	halt := func(err error) error {
		if err != nil {
			stop = err
			return filepath.SkipAll
		}
		return nil
	}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err := ctx.Err(); err != nil {
			return halt(err)
		}
		if err != nil {
			// An unreadable directory or entry: report it and go on.
			return halt(fail(fsError(p, err)))
		}
		if p != root && strings.HasPrefix(d.Name(), ".") {
			skip(p, "hidden")
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if f, ok := formatOf(p); !ok {
			skip(p, "unsupported extension "+filepath.Ext(p))
			return nil
		} else if f == formatUnknown {
			skip(p, "no extension")
			return nil
		}
		fi, err := os.Stat(p)
		if err != nil {
			return halt(fail(fsError(p, err)))
		}
		if fi.IsDir() {
			// Follow links to files but not to directories, which could loop.
			skip(p, "link to a directory")
			return nil
		}
		return halt(visit(p, fi))
	})
	return stop
}

// Size returns the number of bytes in the files Walk would read for paths,
// for progress reports. Files it cannot stat count as empty.
func Size(ctx context.Context, paths []string) int64 {
	var n int64
	for _, p := range paths {
		fi, err := os.Stat(p)
		switch {
		case err != nil:
		case fi.IsDir():
			eachFile(ctx, p, func(_ string, fi fs.FileInfo) error { n += fi.Size(); return nil },
				func(error) error { return nil }, nil)
		default:
			n += fi.Size()
		}
	}
	return n
}

// readFile reads the file at path and hands each article, and each error
// with the file or a record, to emit. It returns ctx.Err() or the first
// non-nil result of emit, which stop it.
func readFile(ctx context.Context, path string, emit func(Article, error) error) error {
	fail := func(err error) error { return emitError(emit, err) }
	f, ok := formatOf(path)
	if !ok {
		return fail(&ReadError{Path: path, Err: fmt.Errorf("%w: extension %q", ErrUnsupported, filepath.Ext(path))})
	}
	file, err := os.Open(path)
	if err != nil {
		return fail(fsError(path, err))
	}
	defer file.Close()
	if f == formatJSONL {
		// JSON Lines files are streamed, so only each record is limited.
		return readJSONL(ctx, path, file, emit)
	}
	if fi, err := file.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > MaxArticleBytes {
		return fail(&ReadError{Path: path, Err: fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, fi.Size(), MaxArticleBytes)})
	}
	// The size from Stat can be wrong (pipes, files that grow), so the read
	// is limited too.
	data, err := io.ReadAll(io.LimitReader(file, MaxArticleBytes+1))
	if err != nil {
		return fail(fsError(path, err))
	}
	if len(data) > MaxArticleBytes {
		return fail(&ReadError{Path: path, Err: fmt.Errorf("%w: more than %d bytes", ErrTooLarge, MaxArticleBytes)})
	}
	return readBytes(ctx, path, f, data, emit)
}

// readBytes parses data, the content of the file at path, as format f,
// sniffing it first when f is formatUnknown. It hands each article and
// error to emit and returns what stops it, as readFile does.
func readBytes(ctx context.Context, path string, f fileFormat, data []byte, emit func(Article, error) error) error {
	if f == formatUnknown {
		f = sniffFormat(data)
	}
	var (
		a   Article
		err error
	)
	switch f {
	case formatJSON:
		return readJSON(path, data, emit)
	case formatJSONL:
		return readJSONL(ctx, path, bytes.NewReader(data), emit)
	case formatHTML:
		a, err = readHTML(path, data)
	default:
		a, err = readText(path, data)
	}
	if err != nil {
		return emitError(emit, err)
	}
	return emit(a, nil)
}

// sniffFormat guesses the format of a file without an extension from its first
// bytes: a JSON array or a single valid JSON object is JSON, other content
// starting with "{" is JSON Lines, markup is HTML, anything else is text.
func sniffFormat(data []byte) fileFormat {
	data = bytes.TrimLeft(bytes.TrimPrefix(data, utf8BOM), " \t\r\n")
	switch {
	case len(data) == 0:
		return formatText
	case data[0] == '[':
		return formatJSON
	case data[0] == '{':
		if json.Valid(data) {
			return formatJSON
		}
		return formatJSONL
	case data[0] == '<':
		head := strings.ToLower(string(data[:min(len(data), 16)]))
		for _, p := range []string{"<!doctype html", "<html", "<head", "<body", "<!--", "<meta", "<title", "<article", "<main", "<div", "<p>", "<p "} {
			if strings.HasPrefix(head, p) {
				return formatHTML
			}
		}
	}
	return formatText
}

// prepareFile checks the content of a whole-file article and drops its byte
// order mark. A file with NUL bytes is binary; one that is not UTF-8 is
// refused as CheckUTF8 tells, naming where.
func prepareFile(path string, data []byte) ([]byte, error) {
	if len(data) > MaxArticleBytes {
		return nil, &ReadError{Path: path, Err: fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(data), MaxArticleBytes)}
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if looksBinary(data) {
		return nil, &ReadError{Path: path, Err: ErrBinary}
	}
	if err := CheckUTF8(data); err != nil {
		return nil, &ReadError{Path: path, Err: err}
	}
	return data, nil
}

// looksBinary reports whether the start of data has a NUL byte.
func looksBinary(data []byte) bool {
	return bytes.IndexByte(data[:min(len(data), sniffBytes)], 0) >= 0
}

// CheckUTF8 returns nil when text is valid UTF-8, else an error wrapping
// ErrEncoding that tells the first bad byte, its line and column (in code
// points, from 1), and what to do. The command line and the ingestArticle
// mutation both refuse such text through it, so that the same bytes are
// taken or refused the same way: graphd never guesses an encoding, and
// never stores a text with its letters replaced by U+FFFD.
func CheckUTF8(text []byte) error {
	if utf8.Valid(text) {
		return nil
	}
	line, col := 1, 1
	for i := 0; i < len(text); {
		c, n := utf8.DecodeRune(text[i:])
		if c == utf8.RuneError && n <= 1 {
			at := fmt.Sprintf("line %d, column %d", line, col)
			if bytes.IndexByte(text, '\n') < 0 {
				at = fmt.Sprintf("column %d", col)
			}
			return fmt.Errorf("%w: byte 0x%02X at %s (Windows-1252 or Latin-1? convert the text to UTF-8, e.g. with iconv -f windows-1252 -t utf-8)",
				ErrEncoding, text[i], at)
		}
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += n
	}
	return nil
}

// fixUTF8 replaces each byte of s that is not part of a valid UTF-8
// sequence with U+FFFD, which is how ranging over s sees it, so code point
// offsets are the same either way.
func fixUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for _, r := range s {
		b.WriteRune(r)
	}
	return b.String()
}

// emitError hands err to emit with an Article holding only the path and
// line of err, a *ReadError.
func emitError(emit func(Article, error) error, err error) error {
	var a Article
	if re, ok := errors.AsType[*ReadError](err); ok {
		a.Path, a.Line = re.Path, re.Line
	}
	return emit(a, err)
}

// fsError turns an error from the file system into a *ReadError without
// naming the path twice.
func fsError(path string, err error) error {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		err = fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return &ReadError{Path: path, Err: err}
}

// boundedLines reads lines of at most max bytes, skipping the rest of longer
// lines and reporting them as too long.
type boundedLines struct {
	r    *bufio.Reader
	max  int
	buf  []byte
	line int // lines read so far
}

// next returns the next line without its "\n" and whether it was longer
// than max, in which case the line is dropped. It returns io.EOF after the
// last line.
func (lr *boundedLines) next() (line []byte, long bool, err error) {
	lr.buf = lr.buf[:0]
	n := 0 // bytes in the line so far, "\n" excluded
	for {
		chunk, err := lr.r.ReadSlice('\n')
		if err != nil && err != bufio.ErrBufferFull && err != io.EOF {
			return nil, false, err
		}
		if err == io.EOF && len(chunk) == 0 && n == 0 {
			return nil, false, io.EOF
		}
		chunk = bytes.TrimSuffix(chunk, []byte("\n"))
		n += len(chunk)
		if n > lr.max {
			long = true
			lr.buf = lr.buf[:0]
		} else {
			lr.buf = append(lr.buf, chunk...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		lr.line++
		return lr.buf, long, nil
	}
}
