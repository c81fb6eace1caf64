#include "textflag.h"

// func RDTSC() (eax, edx uint32)
TEXT ·RDTSC(SB), NOSPLIT, $0-8
	RDTSC
	MOVL AX, eax+0(FP)
	MOVL DX, edx+4(FP)
	RET

// func RDTSCP() (eax, edx, ecx uint32)
TEXT ·RDTSCP(SB), NOSPLIT, $0-12
	RDTSCP
	MOVL AX, eax+0(FP)
	MOVL DX, edx+4(FP)
	MOVL CX, ecx+8(FP)
	RET

// func CPUID(leaf, subleaf uint32) (eax, ebx, ecx, edx uint32)
TEXT ·CPUID(SB), NOSPLIT, $0-24
	MOVL leaf+0(FP), AX
	MOVL subleaf+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET
