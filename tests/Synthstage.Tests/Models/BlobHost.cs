namespace Synthstage.Tests.Models;

/// <summary>Which server answers the blob URLs the Hub redirects LFS files to.</summary>
public enum BlobHost
{
    /// <summary>The Hub's own server (same host and port).</summary>
    HubItself,
    /// <summary>A second server on 127.0.0.1, another port.</summary>
    OtherPort,
    /// <summary>A second server reached as "localhost", another host name and port.</summary>
    OtherHost,
}
