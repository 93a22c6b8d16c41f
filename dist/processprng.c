/* Test-only shim for Wine 8.0, which lacks ProcessPrng in bcryptprimitives.dll.
 * Rust's standard library imports it for random numbers (hash seeds); real Windows
 * 10/11 has it. Built by dist/release.sh into a private Wine prefix, never shipped. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length); /* RtlGenRandom */

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
