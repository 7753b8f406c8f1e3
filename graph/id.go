package graph

import (
	"time"

	"github.com/google/uuid"
)

// newID hands out the ids of new records: UUIDv7, so that records of a
// kind sort in the order they were created. clock tells the time records
// are stamped with. Tests replace both to write the same bytes every run.
var (
	newID = uuid.NewV7
	clock = time.Now
)
