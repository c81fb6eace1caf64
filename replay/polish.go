package replay

// tiocGPTPeer is ioctl's TIOCGPTPEER: it opens the pty's other end and
// returns the new fd; its argument is open's flags.
const tiocGPTPeer = 0x5441
