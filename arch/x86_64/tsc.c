/* The loader's clock: the TSC, calibrated against PIT channel 2 when asked. */
#include "arch.h"
#include "io.h"

#define PIT_HZ 1193182u
#define PIT_CH2_DATA 0x42
#define PIT_COMMAND 0x43
#define PIT_CH2_MODE0_LOHI 0xB0 /* channel 2, lobyte/hibyte, mode 0, binary */
#define PORT_B 0x61
#define PORT_B_GATE2 0x01
#define PORT_B_SPEAKER 0x02
#define PORT_B_OUT2 0x20
#define CALIBRATE_HZ 100 /* measure for 1/100 s */
#define CALIBRATE_SPIN_LIMIT 50000000u

uint64_t tsc_now(void)
{
	return rdtsc();
}

uint64_t tsc_calibrate(void)
{
	uint16_t count = PIT_HZ / CALIBRATE_HZ;
	uint8_t b = inb(PORT_B);
	outb(PORT_B, (uint8_t)((b & ~PORT_B_SPEAKER) | PORT_B_GATE2));
	outb(PIT_COMMAND, PIT_CH2_MODE0_LOHI);
	outb(PIT_CH2_DATA, (uint8_t)count);
	outb(PIT_CH2_DATA, (uint8_t)(count >> 8));
	uint64_t start = rdtsc();
	uint32_t spin = 0;
	while (!(inb(PORT_B) & PORT_B_OUT2))
		if (++spin == CALIBRATE_SPIN_LIMIT)
			return 0;
	uint64_t ticks = rdtsc() - start;
	outb(PORT_B, b);
	return ticks * CALIBRATE_HZ;
}
