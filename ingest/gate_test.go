package ingest

import (
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/graphd/graphd/graph/graphtest"
)

// waitFor yields until the gate has n steps waiting, failing if done
// happens first.
func waitFor(t *testing.T, g *Gate, n int64, done <-chan Result, what string) {
	t.Helper()
	for g.Stats().Waiting < n {
		select {
		case r := <-done:
			t.Fatalf("%s: the article went ahead (err %v)", what, r.Err)
		default:
			runtime.Gosched()
		}
	}
}

// waitRearmed yields until a step woken by a query leaving has looked
// again and waits again, failing if done happens first.
func waitRearmed(t *testing.T, g *Gate, done <-chan Result, what string) {
	t.Helper()
	for {
		g.mu.Lock()
		armed := g.changed != nil
		g.mu.Unlock()
		if armed {
			return
		}
		select {
		case r := <-done:
			t.Fatalf("%s: the article went ahead (err %v)", what, r.Err)
		default:
			runtime.Gosched()
		}
	}
}

func TestGateStepsShareCoresWithQueries(t *testing.T) {
	ctx := t.Context()
	g := NewGate(2, time.Hour)
	leave := g.Enter()
	first := g.Step(ctx) // one query on two cores leaves one
	second := make(chan func())
	go func() { second <- g.Step(ctx) }()
	for g.Stats().Waiting < 1 {
		select {
		case <-second:
			t.Fatal("a second step ran beside a query on two cores")
		default:
			runtime.Gosched()
		}
	}
	first()
	(<-second)()
	leave()
	// Without queries, steps never wait.
	var dones []func()
	for range 5 {
		dones = append(dones, g.Step(ctx))
	}
	for _, d := range dones {
		d()
	}
	if s := g.Stats(); s.Waits != 1 || s.Forced != 0 || s.Queries != 1 {
		t.Errorf("stats %+v, want 1 wait, none forced, 1 query", s)
	}
}

func TestGateQueryGoesAheadOfExtraction(t *testing.T) {
	s := graphtest.Open(t)
	ctx := t.Context()
	arts, err := ReadFile(filepath.Join("..", "testdata", "seeds", "000_f870fa87edc7ab14.txt"))
	if err != nil {
		t.Fatal(err)
	}
	g := NewGate(2, time.Hour)
	p := NewPipeline(ctx, s, Options{Workers: 1, Gate: g})
	defer p.Close()
	done := make(chan Result, 1)
	// Two queries in flight hold both cores: the article queued for
	// extraction waits for them.
	leave1, leave2 := g.Enter(), g.Enter()
	if err := p.Submit(ctx, arts[0], func(r Result) { done <- r }); err != nil {
		t.Fatal(err)
	}
	waitFor(t, g, 1, done, "two queries on two cores")
	// A query that comes now goes in at once, ahead of it: when one of
	// the first two leaves, two queries still hold both cores, and the
	// step, woken, waits again.
	leave3 := g.Enter()
	leave1()
	waitRearmed(t, g, done, "two queries left of three")
	// When another leaves, one core is free of queries: the article goes
	// ahead while the last query runs.
	leave2()
	if r := <-done; r.Err != nil {
		t.Fatal(r.Err)
	}
	leave3()
	if st := g.Stats(); st.Forced != 0 || st.Waits != 1 {
		t.Errorf("stats %+v: want one wait, none forced", st)
	}
}

func TestGateNeverStarvesIngest(t *testing.T) {
	s := graphtest.Open(t)
	ctx := t.Context()
	arts, err := ReadFile(filepath.Join("..", "testdata", "seeds", "000_f870fa87edc7ab14.txt"))
	if err != nil {
		t.Fatal(err)
	}
	g := NewGate(1, time.Millisecond)
	s.SetThrottle(g.Step)
	leave := g.Enter() // a query that never ends holds the only core
	defer leave()
	p := NewPipeline(ctx, s, Options{Workers: 1, Gate: g})
	var res Result
	if err := p.Submit(ctx, arts[0], func(r Result) { res = r }); err != nil {
		t.Fatal(err)
	}
	p.Close()
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if res.Put.Quotes == 0 {
		t.Fatal("nothing written")
	}
	// The extraction, each article's write and the transaction's flush
	// went ahead after MaxWait.
	if st := g.Stats(); st.Forced < 3 {
		t.Errorf("stats %+v: want at least 3 steps forced", st)
	}
}
