import { mask, startMasking } from "./screenShare";

describe("screen-share mode", () => {
  it("masks IP addresses, emails and session ids, and leaves times and the rest", () => {
    expect(mask("203.0.113.7")).toBe("•••.•••.•••.•••");
    expect(mask("2a01:cb00:1::1")).toBe("•••:•••");
    expect(mask("2001:0db8:85a3:0000:0000:8a2e:0370:7334")).toBe("•••:•••");
    expect(mask("ada.lovelace+hd@acme.example")).toBe("•••@•••");
    expect(mask("End session ses_01m88ydfkdn24xtmdpamfztkbv of ada")).toBe("End session ses_••• of ada");
    expect(mask("Rejected (08:51:12.155 AM) in Berlin, DE")).toBe("Rejected (08:51:12.155 AM) in Berlin, DE");
    expect(mask("Chrome 125.0.6422.142 on Windows 11")).toBe("Chrome 125.0.6422.142 on Windows 11");
  });

  it("masks what is shown and what appears later, and puts it back when turned off", async () => {
    document.body.innerHTML = `<p id="a">From 198.51.100.4</p><div id="t" title="ada@example.com">ada</div>`;
    const stop = startMasking(document.body);
    expect(document.getElementById("a")!.textContent).toBe("From •••.•••.•••.•••");
    expect(document.getElementById("t")!.title).toBe("•••@•••");
    const later = document.createElement("p");
    later.textContent = "Session ses_01abcdefghij";
    document.body.append(later);
    (document.getElementById("a")!.firstChild as Text).data = "Mail to ada@example.com";
    await new Promise((r) => setTimeout(r, 0));
    expect(later.textContent).toBe("Session ses_•••");
    expect(document.getElementById("a")!.textContent).toBe("Mail to •••@•••");
    document.getElementById("t")!.title = "Seen at 203.0.113.5";
    await new Promise((r) => setTimeout(r, 0));
    expect(document.getElementById("t")!.title).toBe("Seen at •••.•••.•••.•••");
    stop();
    expect(document.getElementById("t")!.title).toBe("Seen at 203.0.113.5");
    expect(later.textContent).toBe("Session ses_01abcdefghij");
    expect(document.getElementById("a")!.textContent).toBe("Mail to ada@example.com");
  });
});
