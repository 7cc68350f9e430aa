/* Runs a libFuzzer target without libFuzzer: each argument is a file or a folder of files,
 * fed to LLVMFuzzerTestOneInput in turn. make test uses it to replay seeds and regressions. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count;

static void feed(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (!d)
            return;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            char child[4096];
            snprintf(child, sizeof child, "%s/%s", path, e->d_name);
            feed(child);
        }
        closedir(d);
        return;
    }
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    uint8_t *data = malloc((size_t)st.st_size + 1);
    size_t n = fread(data, 1, (size_t)st.st_size, f);
    fclose(f);
    LLVMFuzzerTestOneInput(data, n);
    free(data);
    count++;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        feed(argv[i]);
    /* Reaching here means no input crashed or tripped a sanitizer. */
    printf("%d passed, 0 failed\n", count);
    return 0;
}
