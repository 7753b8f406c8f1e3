package graph_test

import (
	"context"
	"errors"
	"testing"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/graph/graphtest"
)

// The writer takes a step of the throttle for each article it writes and
// for each transaction's flush, and gives it back before the commit.
func TestThrottleStepsOfTheWriter(t *testing.T) {
	c := generate(20250217, 8, 12)
	s := graphtest.Open(t)
	var begun, ended int
	held := 0
	s.SetThrottle(func(context.Context) func() {
		begun++
		held++
		if held > 1 {
			t.Error("a step began while another was running")
		}
		return func() { held--; ended++ }
	})
	var ps []*graph.Prepared
	for _, in := range c.articles {
		p, err := graph.Prepare(in)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	if _, errs := s.PutBatch(t.Context(), ps); errors.Join(errs...) != nil {
		t.Fatal(errors.Join(errs...))
	}
	// One transaction holds them all: an article a step, and its flush.
	if want := len(ps) + 1; begun != want || ended != want {
		t.Errorf("steps begun %d, ended %d; want %d each", begun, ended, want)
	}
	s.SetThrottle(nil)
	if _, errs := s.PutBatch(t.Context(), ps[:1]); errors.Join(errs...) != nil {
		t.Fatal(errors.Join(errs...))
	}
	if begun != len(ps)+1 {
		t.Errorf("a step after SetThrottle(nil)")
	}
}
