/// How Yingyun identifies itself in the files it writes (PS3.7 §D.3.3.2, PS3.10 §7.1).
public enum Implementation {
    /// Implementation Class UID (0002,0012): a UUID-derived UID under the 2.25 root (PS3.5 §B.2),
    /// generated once for this project and never changed, so no registration is needed.
    public static let classUID = "2.25.14671710115014693786645493356440918400"
    /// Implementation Version Name (0002,0013): SH, at most 16 characters.
    public static let versionName = "YINGYUN_0_1"
}
