package graph

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// The holder record. Badger lets one process open a store for writing, or
// several for reading, and tells any other that it cannot "acquire
// directory lock", nothing more. So each process that opens a store on
// disk leaves a record of itself in the store's directory, a file
// graphd-holder-<pid>-<n>.json of a few hundred bytes, and removes it when
// it closes the store. A process that finds the store locked reads the
// records and names the holders: their pid, their command line and, for a
// server, the address it serves on (SetAddr), so that the user learns who
// holds the store and how to reach it (Open returns a *LockedError).
//
// A record outlives a process killed with SIGKILL. A record is stale when
// its process is gone, or when its pid now belongs to another process
// (its boot id and start time differ, where /proc tells them); a stale
// record is never named, and it is removed by the next process that opens
// the store. A process holding the store for writing holds it alone, so
// on such an open every record there is stale. Where a holder left no
// record (it is about to write one, or it is no graphd), the pid Badger
// writes into the store's LOCK file names the writer and /proc its
// command line. Writing the record is best effort: a read-only open on a
// full disk goes on without one.

// ErrLocked means the store is held by another process: opened for
// writing, or for reading while this process wanted to write (see
// LockedError).
var ErrLocked = errors.New("store is in use by another process")

// Holder describes a process that holds a store open, as its record says.
type Holder struct {
	PID      int       `json:"pid"`
	Command  string    `json:"command"`            // the command line, cut to a sensible length
	Addr     string    `json:"addr,omitempty"`     // where a server serves the store: http://127.0.0.1:8080
	ReadOnly bool      `json:"readOnly,omitempty"` // opened for reading only
	Since    time.Time `json:"since"`              // when it opened the store
	Host     string    `json:"host,omitempty"`     // the machine it runs on
	// Process tells this process from a later one given the same pid:
	// the boot id and the start time in clock ticks, from /proc; empty
	// where there is no /proc.
	Process string `json:"process,omitempty"`
}

// String says who the holder is: "graphd serve --db data (pid 4242,
// since 2025-03-01 10:04:05, serving http://127.0.0.1:8080)".
func (h Holder) String() string {
	var b strings.Builder
	if h.Command != "" {
		b.WriteString(h.Command + " ")
	} else {
		b.WriteString("a process ")
	}
	fmt.Fprintf(&b, "(pid %d", h.PID)
	if h.Host != "" && h.Host != hostname() {
		fmt.Fprintf(&b, " on %s", h.Host)
	}
	if !h.Since.IsZero() {
		fmt.Fprintf(&b, ", since %s", h.Since.Local().Format(time.DateTime))
	}
	switch {
	case h.Addr != "":
		fmt.Fprintf(&b, ", serving %s", h.Addr)
	case h.ReadOnly:
		b.WriteString(", reading")
	}
	b.WriteString(")")
	return b.String()
}

// LockedError is the error of Open for a store another process holds. It
// wraps ErrLocked and names the holders it found; Holders is empty when
// no holder could be named.
type LockedError struct {
	Dir     string
	Holders []Holder
}

func (e *LockedError) Error() string {
	if len(e.Holders) == 0 {
		return fmt.Sprintf("store %s is in use by another process, which left no record of itself", e.Dir)
	}
	names := make([]string, len(e.Holders))
	for i, h := range e.Holders {
		names[i] = h.String()
	}
	return fmt.Sprintf("store %s is in use by %s", e.Dir, strings.Join(names, " and by "))
}

// Unwrap returns ErrLocked.
func (e *LockedError) Unwrap() error { return ErrLocked }

// Server returns the first holder that serves the store, if any.
func (e *LockedError) Server() (Holder, bool) {
	for _, h := range e.Holders {
		if h.Addr != "" {
			return h, true
		}
	}
	return Holder{}, false
}

const (
	holderPrefix  = "graphd-holder-"
	holderSuffix  = ".json"
	maxCommandLen = 300
)

// holderSeq numbers the records of one process, which may open several
// stores, or one store read-only several times.
var holderSeq atomic.Int64

// holderRecord is the record a Store keeps in its directory.
type holderRecord struct {
	path string
	h    Holder
}

// isLockError reports whether err, from badger.Open, says that another
// process holds the directory lock. Badger wraps the flock error as text
// and as a cause.
func isLockError(err error) bool {
	return errors.Is(err, syscall.EWOULDBLOCK) || errors.Is(err, syscall.EAGAIN) ||
		strings.Contains(err.Error(), "Cannot acquire directory lock")
}

// writeHolder records this process as a holder of the store in dir, and
// removes the records that are stale: all others when it holds the store
// for writing (it holds it alone), else those of processes that are gone
// and of writers. It returns nil when the record could not be written.
func writeHolder(dir, command string, readOnly bool) *holderRecord {
	for _, r := range readHolders(dir) {
		if !readOnly || !r.h.ReadOnly || !alive(r.h) {
			os.Remove(r.path)
		}
	}
	if command == "" {
		command = commandLine()
	}
	r := &holderRecord{
		path: filepath.Join(dir, fmt.Sprintf("%s%d-%d%s", holderPrefix, os.Getpid(), holderSeq.Add(1), holderSuffix)),
		h: Holder{PID: os.Getpid(), Command: cut(command, maxCommandLen), ReadOnly: readOnly,
			Since: time.Now().UTC().Truncate(time.Second), Host: hostname(), Process: processID(os.Getpid())},
	}
	if r.save() != nil {
		return nil
	}
	return r
}

// save writes the record beside its name, then renames it, so that a
// reader never sees half of one.
func (r *holderRecord) save() error {
	data, err := json.Marshal(r.h)
	if err != nil {
		return err
	}
	tmp := r.path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, r.path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

func (r *holderRecord) remove() {
	if r != nil {
		os.Remove(r.path)
	}
}

// readHolders reads the holder records in dir, stale or not.
func readHolders(dir string) []holderRecord {
	names, _ := filepath.Glob(filepath.Join(dir, holderPrefix+"*"+holderSuffix))
	var out []holderRecord
	for _, p := range names {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		var h Holder
		if json.Unmarshal(data, &h) != nil || h.PID <= 0 {
			continue
		}
		out = append(out, holderRecord{path: p, h: h})
	}
	return out
}

// lockedError names the processes that hold the store in dir: those of
// the live records, else the writer Badger's LOCK file names.
func lockedError(dir string) *LockedError {
	e := &LockedError{Dir: dir}
	for _, r := range readHolders(dir) {
		if alive(r.h) {
			e.Holders = append(e.Holders, r.h)
		}
	}
	if len(e.Holders) > 0 {
		return e
	}
	data, err := os.ReadFile(filepath.Join(dir, "LOCK"))
	if err != nil {
		return e
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 0 {
		return e
	}
	h := Holder{PID: pid, Command: cut(procCommand(pid), maxCommandLen)}
	if alive(h) {
		e.Holders = append(e.Holders, h)
	}
	return e
}

// alive reports whether the process of h may still be running: its pid
// answers and, where /proc tells, it is the same process. A holder on
// another machine cannot be asked, and counts as alive.
func alive(h Holder) bool {
	if h.Host != "" && h.Host != hostname() {
		return true
	}
	if err := syscall.Kill(h.PID, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	if h.Process != "" {
		if now := processID(h.PID); now != "" && now != h.Process {
			return false // the pid was given to another process since
		}
	}
	return true
}

// processID tells the process pid apart from any other that has had or
// will have its pid: the boot id and its start time, from /proc. It is ""
// where /proc does not tell.
func processID(pid int) string {
	boot, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	// The fields after the command name, which ends at the last ")"; the
	// start time is the 22nd field of the line, the 20th of these.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return ""
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 20 {
		return ""
	}
	return strings.TrimSpace(string(boot)) + "/" + f[19]
}

// procCommand is the command line of process pid, from /proc, or "".
func procCommand(pid int) string {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return ""
	}
	args := strings.Split(strings.TrimRight(string(data), "\x00"), "\x00")
	if len(args) == 0 || args[0] == "" {
		return ""
	}
	args[0] = filepath.Base(args[0])
	return strings.Join(args, " ")
}

// commandLine is this process's command line, its program by base name.
func commandLine() string {
	if len(os.Args) == 0 {
		return ""
	}
	args := append([]string{filepath.Base(os.Args[0])}, os.Args[1:]...)
	return strings.Join(args, " ")
}

func hostname() string {
	h, _ := os.Hostname()
	return h
}

// cut shortens s to at most n bytes, at a rune boundary, marking the cut.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}

// SetAddr records in the store's holder record the address where this
// process serves the store (http://127.0.0.1:8080), so that a process
// that finds the store locked can say how to reach it. It does nothing
// for an in-memory store, and returns the error of writing the record.
func (s *Store) SetAddr(addr string) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	if s.holder == nil {
		return nil
	}
	s.holderMu.Lock()
	defer s.holderMu.Unlock()
	s.holder.h.Addr = addr
	if err := s.holder.save(); err != nil {
		return fmt.Errorf("record the server's address: %w", err)
	}
	return nil
}
