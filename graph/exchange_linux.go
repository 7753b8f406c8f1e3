package graph

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// exchange swaps the names of two directories atomically.
func exchange(a, b string) error {
	if err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE); err != nil {
		if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EOPNOTSUPP) {
			return fmt.Errorf("the file system cannot swap two directories atomically (renameat2 RENAME_EXCHANGE): %w", err)
		}
		return err
	}
	return nil
}
