/* execve_fail.c: execve of argv[1], which failed when recorded (a path
 * that did not exist, or was not executable). A replay must give the
 * recorded failure even if the file exists now. Prints errno. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "common.h"

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	char *args[] = {argv[1], "from execve_fail", NULL};
	char *env[] = {NULL};
	execve(argv[1], args, env);
	out("execve %s failed: %s\n", argv[1], strerror(errno));
	return 0;
}
