// Part of the connector's custom code: build joins templates/script/ into script.csx.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

public partial class Script
{
    // ---- App picker -----------------------------------------------------------------------
    // The dropdown of every "App" input. kintone's Get apps (/k/v1/apps.json) refuses API
    // tokens ("API Tokens cannot be used with this API", kintone-api.md section 2.2), so for an
    // API-token connection the picker answers itself with one entry that tells the maker to
    // type the app ID, instead of a failing dropdown. Password and OAuth connections get
    // kintone's own list (the first 100 apps the user may see), unchanged.
    private const string AppsPath = "/k/v1/apps.json";
    internal const string TypeTheAppId =
        "Type the app ID: API token connections cannot list apps (the ID is the number after /k/ in the app's address)";

    private async Task<HttpResponseMessage> AppPickerAsync()
    {
        HttpRequestMessage request = this.Context.Request;
        if (IsApiTokenRequest(request))
        {
            JObject entry = new JObject { { "appId", "" }, { "name", TypeTheAppId } };
            return JsonResponse(HttpStatusCode.OK, new JObject { { "apps", new JArray { entry } } });
        }
        // The incoming request is reused so its (normalized) authentication headers go along.
        request.Method = HttpMethod.Get;
        request.RequestUri = new Uri(KintoneUrl(request.RequestUri.AbsoluteUri, AppsPath, "limit=100"));
        return await this.Context.SendAsync(request, this.CancellationToken).ConfigureAwait(false);
    }

    // After NormalizeAuth: an API token and neither a password login nor an OAuth bearer token
    // (a Basic-authentication layer may ride along with a token).
    internal static bool IsApiTokenRequest(HttpRequestMessage request)
    {
        if (!request.Headers.Contains(TokenHeader) || request.Headers.Contains(CybozuAuthorization))
        {
            return false;
        }
        IEnumerable<string> authorization;
        return !request.Headers.TryGetValues("Authorization", out authorization)
            || !authorization.Any(v => v.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase));
    }
}
