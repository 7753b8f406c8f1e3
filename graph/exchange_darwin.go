package graph

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// exchange swaps the names of two directories atomically.
func exchange(a, b string) error {
	if err := unix.RenamexNp(a, b, unix.RENAME_SWAP); err != nil {
		if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOTSUP) {
			return fmt.Errorf("the file system cannot swap two directories atomically (renamex_np RENAME_SWAP): %w", err)
		}
		return err
	}
	return nil
}
