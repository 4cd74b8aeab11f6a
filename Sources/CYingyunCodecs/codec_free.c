#include <stdlib.h>
#include "include/CYingyunCodecs.h"

void yy_codec_free(yy_decoded_image *image) {
    if (!image) return;
    free(image->data);
    image->data = NULL;
    image->size = 0;
}
