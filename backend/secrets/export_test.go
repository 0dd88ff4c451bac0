package secrets

// Test-only doors into Key: the tests must see key bytes to prove they never leak, and
// build keys with chosen versions to prove the version is authenticated.

func KeyBytes(k Key) []byte { return append([]byte(nil), k.bytes[:]...) }

func NewKeyForTest(version int, material []byte) Key {
	k, err := newKey(version, material)
	if err != nil {
		panic(err)
	}
	return k
}
