/*
 * version.c — --version output shared by every program (version.h).
 */
#include <stdio.h>

#include "version.h"

void version_print(const char *program)
{
  printf("%s (tthc-etl) %s\n"
         "This is free software: you are free to change and redistribute it.\n"
         "There is NO WARRANTY, to the extent permitted by law.\n",
         program, TTHC_VERSION);
}
