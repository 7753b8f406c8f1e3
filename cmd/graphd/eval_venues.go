package main

import (
	"fmt"
	"io"

	"github.com/graphd/graphd/ingest/polnear"
)

// writeVenueTable prints the venue scores of `graphd eval --venues`.
func writeVenueTable(w io.Writer, v *polnear.VenueReport) {
	fmt.Fprintf(w, "\n%-12s │ %6s %6s %6s │ %6s %6s %8s %10s %9s\n", "venues", "P", "R", "F1", "gold", "pred", "right", "attr found", "unmatched")
	fmt.Fprintf(w, "%-12s │ %6.1f %6.1f %6.1f │ %6d %6d %8d %10d %9d\n", "all",
		v.Precision, v.Recall, v.F1, v.Gold, v.Pred, v.MatchedGold, v.AttributionFound, v.Unmatched)
	for _, k := range v.ByKind {
		if k.Gold == 0 {
			continue
		}
		fmt.Fprintf(w, "%-12s │ %6s %6.1f %6s │ %6d %6s %8d %10d\n", k.Kind, "", k.Rec, "", k.Gold, "", k.Right, k.Found)
	}
	fmt.Fprintln(w, "\nA venue is right when its attribution matches a gold one whose venue shares a token with it.")
	fmt.Fprintln(w, "Precision counts the venues of matched attributions; recall every gold venue; by kind, recall.")
}
