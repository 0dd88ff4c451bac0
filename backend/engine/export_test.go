package engine

// Test doors into the engine's hooks (see hooks).

func SetBeforePutSecret(s *Service, fn func())    { s.hooks.beforePutSecret = fn }
func SetRotated(s *Service, fn func(error) error) { s.hooks.rotated = fn }
