package graph

import (
	"syscall"
	"time"
)

// threadCPU is the CPU time the calling thread has used, user and
// system (getrusage's RUSAGE_THREAD).
func threadCPU() time.Duration {
	const rusageThread = 1
	var ru syscall.Rusage
	if syscall.Getrusage(rusageThread, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
