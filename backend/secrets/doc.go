// Package secrets is DevArch's vault for stack secrets: it seals a secret's plaintext
// into AES-256-GCM ciphertext that only DevArch's master key can open, keeps that master
// key out of the database (in the OS keychain, or in a 0600 key file the user opted in to),
// and provides Value, the type that carries plaintext through the program without ever
// printing, logging or marshalling it.
//
// The invariants this package keeps:
//
//   - Plaintext exists only inside a Value, and a Value renders as "(sensitive)" everywhere
//     (fmt, JSON, YAML, text, slog). Reading it takes an explicit Reveal or Bytes call.
//   - Every Seal draws a fresh random 96-bit nonce, so sealing the same value twice never
//     gives the same ciphertext, and a nonce is never reused under one key.
//   - A ciphertext is bound (GCM additional data) to its owner (stack id + secret name) and
//     to the master key version it was sealed with. Copying it to another row, stack, name or
//     key version makes Open fail instead of returning the wrong secret.
//   - A master key is never replaced: Create refuses an existing version, because every
//     secret sealed with the old key would become unreadable.
//   - Errors never contain plaintext or key material; they name the secret or key version
//     and say how to fix the problem.
//
// The database holds only Sealed values (key_version, nonce, ciphertext) and the list of
// master key versions; the key bytes themselves live behind the Keys interface.
package secrets
