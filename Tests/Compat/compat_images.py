"""The images the client checks send: a picture and a mask of the same size (Pillow)."""

from PIL import Image, ImageDraw


def test_image(size):
    image = Image.new("RGB", (size, size), (40, 120, 200))
    ImageDraw.Draw(image).ellipse((size // 4, size // 4, size * 3 // 4, size * 3 // 4), fill=(220, 80, 40))
    return image


def test_mask(size):
    mask = Image.new("L", (size, size), 0)
    ImageDraw.Draw(mask).rectangle((size // 4, size // 4, size * 3 // 4, size * 3 // 4), fill=255)
    return mask
