import { linuxDesktopEntry, registerPlan, windowsRegFile } from './url-handler';

const command = { node: '/usr/bin/node', script: '/opt/quire agent/main.js' };

describe('winword:// handler registration', () => {
  it('writes a .desktop file for x-scheme-handler/winword and sets it as default (Linux)', () => {
    const plan = registerPlan(command, 'linux', '/home/d');
    expect(plan.files[0].path).toBe('/home/d/.local/share/applications/quire-word-agent.desktop');
    expect(plan.files[0].content).toContain('MimeType=x-scheme-handler/winword;');
    expect(plan.files[0].content).toContain('Exec="/usr/bin/node" "/opt/quire agent/main.js" open %u');
    expect(plan.commands[0]).toEqual(['xdg-mime', 'default', 'quire-word-agent.desktop', 'x-scheme-handler/winword']);
    expect(plan.files[1].path).toBe('/home/d/.config/autostart/quire-word-agent-resume.desktop');
    expect(plan.files[1].content).toContain('Exec="/usr/bin/node" "/opt/quire agent/main.js" resume');
    expect(linuxDesktopEntry(command)).toMatch(/^\[Desktop Entry\]/);
  });

  it('prints a per-user .reg file on Windows', () => {
    const reg = windowsRegFile({ node: 'C:\\Program Files\\nodejs\\node.exe', script: 'C:\\agent\\main.js' });
    expect(reg).toContain('[HKEY_CURRENT_USER\\Software\\Classes\\winword\\shell\\open\\command]');
    expect(reg).toContain('@="\\"C:\\\\Program Files\\\\nodejs\\\\node.exe\\" \\"C:\\\\agent\\\\main.js\\" open \\"%1\\""');
    expect(reg).toContain('"QuireWordAgentResume"="\\"C:\\\\Program Files\\\\nodejs\\\\node.exe\\" \\"C:\\\\agent\\\\main.js\\" resume"');
    expect(registerPlan(command, 'win32').files).toEqual([]);
  });
});
