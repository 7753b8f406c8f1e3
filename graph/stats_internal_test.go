package graph

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/graphd/graphd/graph/key"
)

func TestSplitDays(t *testing.T) {
	day := func(s string) int {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			panic(err)
		}
		return dayOf(t)
	}
	month := func(y, m int) int { return y*12 + m - 1 }
	tests := []struct {
		from, to string
		want     []dayPiece
	}{
		{"2025-02-03", "2025-02-05", []dayPiece{{key.LevelDay, day("2025-02-03"), day("2025-02-05"), 1}}},
		{"2025-02-01", "2025-02-28", []dayPiece{{key.LevelMonth, month(2025, 2), month(2025, 2), 1}}},
		{"2025-01-15", "2025-04-02", []dayPiece{
			{key.LevelDay, day("2025-01-15"), day("2025-01-31"), 1},
			{key.LevelMonth, month(2025, 2), month(2025, 3), 1},
			{key.LevelDay, day("2025-04-01"), day("2025-04-02"), 1}}},
		{"2023-12-31", "2026-01-01", []dayPiece{
			{key.LevelDay, day("2023-12-31"), day("2023-12-31"), 1},
			{key.LevelYear, 2024, 2025, 1},
			{key.LevelDay, day("2026-01-01"), day("2026-01-01"), 1}}},
		{"1969-12-31", "1970-01-01", []dayPiece{{key.LevelDay, -1, 0, 1}}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, splitDays(day(tt.from), day(tt.to)), cmp.AllowUnexported(dayPiece{})); diff != "" {
			t.Errorf("splitDays(%s, %s) (-want +got):\n%s", tt.from, tt.to, diff)
		}
	}
}
