//go:build !linux

package graph

import "time"

// threadCPU is the CPU time of the calling thread where the system tells
// it; here it does not, and it is 0.
func threadCPU() time.Duration { return 0 }
