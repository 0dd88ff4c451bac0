package database

// SetKeeperCapable lets a test act as a program that cannot be re-executed as the keeper.
func SetKeeperCapable(ok bool) { keeperCapable.Store(ok) }
