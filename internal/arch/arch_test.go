package arch

import (
	"errors"
	"testing"

	"github.com/systr/systr/syscalls"
)

func TestAMD64Mapping(t *testing.T) {
	r := AMD64{Orig_rax: 257, Rdi: 1, Rsi: 2, Rdx: 3, R10: 4, R8: 5, R9: 6, Rax: ^uint64(1), Rsp: 0x7ff0, Rip: 0x4000,
		Rbx: 0x1_0000_0011, Rcx: 12, Rbp: 16}
	want := map[Field]uint64{Nr: 257, Arg0: 1, Arg1: 2, Arg2: 3, Arg3: 4, Arg4: 5, Arg5: 6, Ret: ^uint64(1), SP: 0x7ff0, IP: 0x4000}
	for f, w := range want {
		got, err := r.Get(syscalls.X86_64, f)
		if err != nil || got != w {
			t.Errorf("x86_64 %v = %#x, %v; want %#x", f, got, err, w)
		}
	}
	// i386 convention: ebx ecx edx esi edi ebp, 32-bit truncation, sign-extended return.
	want32 := map[Field]uint64{Nr: 257, Arg0: 0x11, Arg1: 12, Arg2: 3, Arg3: 2, Arg4: 1, Arg5: 16, Ret: ^uint64(1)}
	for f, w := range want32 {
		got, err := r.Get(syscalls.I386, f)
		if err != nil || got != w {
			t.Errorf("i386 %v = %#x, %v; want %#x", f, got, err, w)
		}
	}
	if err := r.Set(syscalls.I386, Ret, uint64(0xfffffff2)); err != nil {
		t.Fatal(err)
	}
	if int64(r.Rax) != -14 {
		t.Errorf("i386 Set(Ret, -14 as u32) stored %#x, want sign-extended", r.Rax)
	}
	if err := r.Set(syscalls.I386, Arg0, 0xdead_0000_0001); err != nil || r.Rbx != 1 {
		t.Errorf("i386 Set(Arg0) stored %#x, %v", r.Rbx, err)
	}
	if _, err := r.Get(syscalls.ARM64, Nr); !errors.Is(err, ErrArch) {
		t.Errorf("arm64 call on AMD64 regs: err %v, want ErrArch", err)
	}
}

func TestARM64Mapping(t *testing.T) {
	var r ARM64
	for i := range r.X {
		r.X[i] = uint64(100 + i)
	}
	r.SP, r.PC = 0xfff0, 0x1000
	want := map[Field]uint64{Nr: 108, Arg0: 100, Arg1: 101, Arg2: 102, Arg3: 103, Arg4: 104, Arg5: 105, Ret: 100, SP: 0xfff0, IP: 0x1000}
	for f, w := range want {
		got, err := r.Get(syscalls.ARM64, f)
		if err != nil || got != w {
			t.Errorf("arm64 %v = %d, %v; want %d", f, got, err, w)
		}
	}
	if err := r.Set(syscalls.ARM64, Ret, 7); err != nil || r.X[0] != 7 {
		t.Errorf("Set(Ret) -> x0 = %d, %v", r.X[0], err)
	}
	if _, err := r.Get(syscalls.X86_64, Arg0); !errors.Is(err, ErrArch) {
		t.Errorf("x86_64 call on ARM64 regs: err %v, want ErrArch", err)
	}
}
