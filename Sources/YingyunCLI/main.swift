print("yingyun")
