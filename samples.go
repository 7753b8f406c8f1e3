// Package graphd holds what the graphd command ships with besides its code:
// the sample articles that `graphd demo` ingests.
package graphd

import "embed"

// Samples holds the sample articles under testdata/seeds: a news report and
// a machine-rewritten copy of it, with mangled names and paraphrased
// quotations.
//
//go:embed testdata/seeds/*.txt
var Samples embed.FS
