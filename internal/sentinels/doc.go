// Package sentinels holds no code: its test checks that every exported
// sentinel error of the module's packages (a package-level var Err... =
// errors.New("...") or fmt.Errorf("...")) starts with its package's name,
// "tracer: closed", as archive/tar's do, so that a message says where it
// comes from wherever it is printed.
package sentinels
